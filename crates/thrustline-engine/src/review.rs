//! What review opens: a session folder as it is, a `.thrust` bundle extracted (safely) into the
//! data directory, or a bare video analyzed first (offline pipeline, no annotated video).

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{SystemTime, UNIX_EPOCH};

use thrustline_core::Variation;
use thrustline_pose::{ModelKind, PoseConfig};

use crate::offline::{Offline, OfflineConfig, Progress};
use crate::{EngineError, Lift};

/// Where review's input came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opened {
    Folder,
    /// Extracted from a bundle into a folder of its own (a copy the caller may remove).
    Bundle,
    /// A bundle opened before, its folder reopened with the comments made there.
    BundleAgain,
    /// A bare video, analyzed into a new folder.
    Analyzed,
    /// A bare video reviewed before: its earlier analysis, with the comments made there.
    AnalyzedBefore,
}

/// The session folder to review for `input`; `out` overrides where a bundle's contents or a
/// video's analysis go (default: the data directory's `bundles/` or `reviews/`).
pub fn open(
    input: &Path,
    out: Option<&Path>,
    variation: Variation,
    cancel: &AtomicBool,
    progress: &dyn Progress,
) -> Result<(PathBuf, Opened), EngineError> {
    if input.is_dir() {
        return Ok((input.to_path_buf(), Opened::Folder));
    }
    if !input.is_file() {
        return Err(EngineError::Refused(format!(
            "{}: no such session folder, bundle or video",
            input.display()
        )));
    }
    let data = thrustline_log::data_dir();
    if input.extension().is_some_and(|e| e.eq_ignore_ascii_case("thrust")) {
        let root = out.map(Path::to_path_buf).unwrap_or_else(|| data.join("bundles"));
        let (dir, again) =
            thrustline_report::bundle::open(input, &root).map_err(|e| EngineError::Refused(e.to_string()))?;
        return Ok((dir, if again { Opened::BundleAgain } else { Opened::Bundle }));
    }
    let stem = input.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "video".into());
    let reviews = data.join("reviews");
    if out.is_none() {
        if let Some(dir) = reviewed_before(input, &reviews, &stem, variation) {
            return Ok((dir, Opened::AnalyzedBefore));
        }
    }
    let unix = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let dir = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| reviews.join(format!("{stem}-{}", thrustline_report::atomic::stamp(unix as i64))));
    let cfg = OfflineConfig {
        lift: Lift {
            variation,
            ..Lift::with_pose(PoseConfig {
                model: ModelKind::Full,
                smooth: true,
                spin: false,
                ..PoseConfig::default()
            })
        },
        video_size: None,
        back_outline: false,
        force: false,
        training_log: false,
        date_unix_s: None,
    };
    Offline::new(cfg)?
        .analyze(input, &dir, cancel, progress)
        .map_err(|e| EngineError::Refused(format!("{}: could not be analyzed: {e}", input.display())))?;
    Ok((dir, Opened::Analyzed))
}

/// The folder in `reviews` where this very video (same size and sha256) was analyzed for an
/// earlier review, as the variation asked for (any, for `auto`): reviewing it again shows the
/// comments made then, where each review had analyzed into a new folder. The latest, if several.
fn reviewed_before(video: &Path, reviews: &Path, stem: &str, variation: Variation) -> Option<PathBuf> {
    let size = std::fs::metadata(video).ok()?.len();
    let prefix = format!("{stem}-");
    let mut candidates: Vec<(PathBuf, thrustline_report::session::Session)> = std::fs::read_dir(reviews)
        .ok()?
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .filter_map(|e| thrustline_report::folder::SessionFolder::open(&e.path()).ok())
        .filter(|f| f.session.input.size_bytes == Some(size))
        .filter(|f| variation == Variation::Auto || f.session.variation == variation)
        .map(|f| (f.dir, f.session))
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let sha = thrustline_report::session::sha256_file(video).ok()?;
    candidates.retain(|(_, s)| s.input.sha256.as_deref() == Some(sha.as_str()));
    candidates.into_iter().map(|(d, _)| d).max()
}
