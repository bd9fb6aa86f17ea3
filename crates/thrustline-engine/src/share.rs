//! `thrustline share`: a session folder as one `review.html` a coach opens in any browser,
//! with the session's video re-encoded small enough to mail, and the coach's reply file taken
//! back in (`thrustline comment --import`).

use std::path::{Path, PathBuf};

use opencv::core::{Mat, Size};
use opencv::imgproc;
use thrustline_capture::VideoSource;
use thrustline_report::folder::{self, OwnOutput, SessionFolder};
use thrustline_report::h264::WebVideo;
use thrustline_report::{atomic, html, share};

use crate::EngineError;

/// The embedded video's longest side by default: a one-minute set at 640 px weighs a few MB in
/// H.264 (README: Remote coaching), well inside an e-mail attachment's 25 MB.
pub const DEFAULT_VIDEO_SIDE: u32 = 640;
/// Encoder threads: sharing runs alone, so both cores.
const SHARE_THREADS: usize = 2;

/// What was written.
pub struct Shared {
    pub path: PathBuf,
    pub bytes: u64,
    pub video_bytes: u64,
    /// The embedded video has the skeleton drawn by the page (the original recording), not
    /// burnt in (the annotated video, when the original is not at hand).
    pub overlay: bool,
}

/// Writes the review page for the session in `dir` to `out` (default `dir/review.html`).
pub fn write(dir: &Path, out: Option<&Path>, video_side: u32, force: bool) -> Result<Shared, EngineError> {
    let folder = SessionFolder::open(dir)?;
    let path = out.map_or_else(|| dir.join(PAGE), Path::to_path_buf);
    if let Some(why) = folder.refuse_output(&path, force, &PAGE_OUTPUT) {
        return Err(EngineError::Refused(format!("{}: refused: {why}", path.display())));
    }
    let (video, overlay) = match (folder.video(), folder.annotated()) {
        (Some(v), _) => (Some(v), true),
        (None, Some(a)) => (Some(a), false),
        (None, None) => (None, false),
    };
    let mp4 = match &video {
        Some(v) => Some(transcode(v, video_side)?),
        None => None,
    };
    let kf = folder::read_keyframes(dir)?;
    let report = html::render(&folder.session, &folder.series(), &kf);
    let page =
        share::render(&folder.session, &folder.frames, mp4.as_deref(), overlay && mp4.is_some(), &report);
    atomic::write(&path, page.as_bytes()).map_err(|e| EngineError::Io(path.display().to_string(), e))?;
    Ok(Shared {
        path,
        bytes: page.len() as u64,
        video_bytes: mp4.map_or(0, |v| v.len() as u64),
        overlay: overlay && video.is_some(),
    })
}

/// The review page's name in the session folder (`share` without `-o`).
pub const PAGE: &str = "review.html";
/// A page this command wrote says so in its first bytes (its `<title>`).
const PAGE_MARK: &[u8] = b"<title>Thrustline review</title>";
/// How far into a file the mark is looked for.
const PAGE_MARK_WITHIN: usize = 4096;

/// What the page may replace: its own name in the session folder, or a page this command
/// wrote. `-o` pointed at the annotated video or session.json had replaced it with the page.
const PAGE_OUTPUT: OwnOutput = OwnOutput {
    noun: "page",
    kind: "review page",
    ext: ".html",
    in_folder: Some(PAGE),
    is_ours: is_review_page,
};

/// A page `thrustline share` wrote (its mark within the first bytes).
fn is_review_page(p: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::with_capacity(PAGE_MARK_WITHIN);
    std::fs::File::open(p).and_then(|f| f.take(PAGE_MARK_WITHIN as u64).read_to_end(&mut head)).is_ok()
        && head.windows(PAGE_MARK.len()).any(|w| w == PAGE_MARK)
}

/// The video as H.264 MP4 bytes, its longest side at most `side` (even sizes), every frame.
fn transcode(video: &Path, side: u32) -> Result<Vec<u8>, EngineError> {
    let tmp = std::env::temp_dir().join(format!(".thrustline-share.{}.tmp.mp4", std::process::id()));
    let result = transcode_to(video, side, &tmp, SHARE_THREADS)
        .and_then(|_| std::fs::read(&tmp).map_err(|e| EngineError::Io(tmp.display().to_string(), e)));
    let _ = std::fs::remove_file(&tmp);
    result
}

/// Re-encodes `video` as H.264 into `out` (MP4, or Matroska by its extension), its longest
/// side at most `side` (0: as it is; even sizes), every frame. Returns the frames written.
pub fn transcode_to(video: &Path, side: u32, out: &Path, threads: usize) -> Result<u64, EngineError> {
    let mut src = VideoSource::open_file(video)?;
    let info = src.info().clone();
    let (ow, oh) = thrustline_report::video::even_size(info.width, info.height, side);
    let size = Size::new(ow as i32, oh as i32);
    let mut w = WebVideo::create(out, info.fps, ow, oh, threads)?;
    let (mut small, mut bgr) = (Mat::default(), Mat::default());
    let mut n = 0;
    while let Some(f) = src.next_frame()? {
        imgproc::resize(f.rgb.mat(), &mut small, size, 0.0, 0.0, imgproc::INTER_AREA)?;
        imgproc::cvt_color_def(&small, &mut bgr, imgproc::COLOR_RGB2BGR)?;
        w.write(&bgr)?;
        n += 1;
    }
    w.finish()?;
    Ok(n)
}

/// Merges a coach's reply file into the session in `dir`: new comments only (importing the
/// same file twice changes nothing), report rebuilt. Returns how many were added.
pub fn import_feedback(dir: &Path, file: &Path) -> Result<usize, EngineError> {
    let mut folder = SessionFolder::open(dir)?;
    let name = file.display().to_string();
    let meta = std::fs::metadata(file).map_err(|e| EngineError::Read(name.clone(), e))?;
    if !meta.is_file() {
        return Err(EngineError::Refused(format!("{name}: not a reply file")));
    }
    if meta.len() > share::MAX_FEEDBACK_BYTES {
        return Err(EngineError::Refused(format!("{name}: {} bytes, more than a reply holds", meta.len())));
    }
    let bytes = std::fs::read(file).map_err(|e| EngineError::Read(name.clone(), e))?;
    let comments = share::read_feedback(&bytes, &folder.session)
        .map_err(|e| EngineError::Refused(format!("{name}: {e}")))?;
    let mut added = 0;
    for c in comments {
        let dup = folder
            .session
            .comments
            .iter()
            .any(|o| o.t_s == c.t_s && o.author == c.author && o.text == c.text);
        if !dup {
            folder.session.comments.push(c);
            added += 1;
        }
    }
    if added > 0 {
        folder.session.comments.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
        folder.session.validate().map_err(|e| EngineError::Refused(format!("{name}: {e}")))?;
        folder.save()?;
    }
    Ok(added)
}
