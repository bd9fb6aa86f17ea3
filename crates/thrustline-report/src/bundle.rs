//! `.thrust` bundles: one zip file holding a session folder (session with its comments, frames,
//! video, annotated video, report, key frames) for a coach or an athlete to open elsewhere.
//!
//! Opening one from someone else is safe: only the names a bundle can hold are extracted (so no
//! path escapes the folder), entry count and sizes are bounded, sizes are checked while
//! copying (a header can lie), highly compressed giants are refused as zip bombs, and a damaged
//! bundle leaves nothing behind.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

use crate::folder::{OwnOutput, SessionFolder, FRAMES_FILE, KEYFRAMES_DIR, REPORT_FILE, SESSION_FILE};

/// More entries than a session folder ever has (48 key frames plus a handful of files).
const MAX_ENTRIES: usize = 256;
/// Largest video accepted: an hour of 1080p phone video.
const MAX_VIDEO_BYTES: u64 = 8 << 30;
/// Largest other file: frames.jsonl for an hour at 60 fps is about 800 MB.
const MAX_FILE_BYTES: u64 = 2 << 30;
/// Largest total size.
const MAX_TOTAL_BYTES: u64 = 12 << 30;
/// Text compresses about 5–10×; far beyond this, on a file that is not tiny, is a zip bomb.
const MAX_RATIO: u64 = 100;
/// Files this small are never refused for their ratio.
const RATIO_FLOOR_BYTES: u64 = 1 << 20;
pub(crate) const VIDEO_EXTS: [&str; 5] = ["mp4", "mkv", "mov", "avi", "webm"];

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{0}: damaged bundle ({1})")]
    Damaged(String, String),
    #[error("{0}: refused: {1}")]
    Refused(String, String),
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    #[error("{0}")]
    Folder(#[from] crate::folder::FolderError),
}

fn io(p: &Path) -> impl FnOnce(std::io::Error) -> BundleError + '_ {
    move |e| BundleError::Io(p.display().to_string(), e)
}

/// Whether a name is one a bundle may hold, and whether it is the video kind.
fn allowed(name: &str) -> Option<bool> {
    if [SESSION_FILE, FRAMES_FILE, REPORT_FILE, "reps.csv", "keyframes/index.json", "live.json"]
        .contains(&name)
    {
        return Some(false);
    }
    if name == "annotated.mp4" {
        return Some(true);
    }
    if let Some(ext) = name.strip_prefix("video.") {
        return VIDEO_EXTS.contains(&ext).then_some(true);
    }
    if let Some(f) = name.strip_prefix("keyframes/") {
        let ok = f.len() == 7 && f.ends_with(".jpg") && f[..3].bytes().all(|b| b.is_ascii_digit());
        return ok.then_some(false);
    }
    None
}

/// Whether `p` is a bundle: a zip holding a session.json.
fn is_bundle(p: &Path) -> bool {
    File::open(p)
        .ok()
        .and_then(|f| zip::ZipArchive::new(f).ok())
        .is_some_and(|z| z.index_for_name(SESSION_FILE).is_some())
}

/// What a bundle may replace: never a file in the session folder.
const BUNDLE_OUTPUT: OwnOutput =
    OwnOutput { noun: "bundle", kind: "bundle", ext: ".thrust", in_folder: None, is_ours: is_bundle };

/// Writes the session folder `dir` as one `.thrust` file (atomically).
pub fn write(dir: &Path, out: &Path, force: bool) -> Result<u64, BundleError> {
    let folder = SessionFolder::open(dir)?;
    let mut session = folder.session.clone();
    let video = folder.video();
    if let Some(why) = folder.refuse_output(out, force, &BUNDLE_OUTPUT) {
        return Err(BundleError::Refused(out.display().to_string(), why));
    }
    let video_name = video.as_ref().map(|v| {
        let ext = v.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        let ext = if VIDEO_EXTS.contains(&ext.as_str()) { ext } else { "mp4".to_string() };
        format!("video.{ext}")
    });
    if let Some(n) = &video_name {
        // Inside the bundle the video sits beside session.json.
        session.input.file = n.clone();
    }
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let tmp = parent.join(format!(
        ".{}.{}.tmp",
        out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        std::process::id()
    ));
    let result = (|| -> Result<u64, BundleError> {
        let f = File::create(&tmp).map_err(io(&tmp))?;
        let mut z = zip::ZipWriter::new(f);
        let text =
            SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).large_file(true);
        let stored =
            SimpleFileOptions::default().compression_method(CompressionMethod::Stored).large_file(true);
        let zerr =
            |e: zip::result::ZipError| BundleError::Io(out.display().to_string(), std::io::Error::other(e));
        z.start_file(SESSION_FILE, text).map_err(zerr)?;
        let json = session.to_json().map_err(|e| BundleError::Io(out.display().to_string(), e.into()))?;
        z.write_all(&json).map_err(io(out))?;
        let mut add = |name: &str, src: &Path, opts: SimpleFileOptions| -> Result<(), BundleError> {
            if !src.is_file() {
                return Ok(());
            }
            z.start_file(name, opts).map_err(zerr)?;
            let mut f = File::open(src).map_err(io(src))?;
            std::io::copy(&mut f, &mut z).map_err(io(src))?;
            Ok(())
        };
        for name in [FRAMES_FILE, REPORT_FILE, "reps.csv", "live.json", "keyframes/index.json"] {
            add(name, &dir.join(name), text)?;
        }
        let kd = dir.join(KEYFRAMES_DIR);
        if kd.is_dir() {
            let mut names: Vec<String> = std::fs::read_dir(&kd)
                .map_err(io(&kd))?
                .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
                .filter(|n| allowed(&format!("keyframes/{n}")) == Some(false) && n.ends_with(".jpg"))
                .collect();
            names.sort();
            for n in names {
                add(&format!("keyframes/{n}"), &kd.join(&n), stored)?;
            }
        }
        if let (Some(v), Some(n)) = (&video, &video_name) {
            add(n, v, stored)?;
        }
        add("annotated.mp4", &dir.join("annotated.mp4"), stored)?;
        let f = z.finish().map_err(zerr)?;
        f.sync_all().map_err(io(out))?;
        let len = f.metadata().map_err(io(out))?.len();
        std::fs::rename(&tmp, out).map_err(io(out))?;
        Ok(len)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Removes `.NAME.<pid>.partial` folders of extractions whose process is gone (killed, or out
/// of memory before this version bounded what a bundle's numbers drive).
fn sweep_partials(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if crate::atomic::owner_gone(&name, ".partial") && e.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Names, in a folder a bundle was opened into, the bundle's sha256: opening the same bundle
/// again reopens that folder, with the comments made in it since.
const FROM_BUNDLE: &str = ".from-bundle.sha256";

/// The folder under `root` this very bundle was opened into before (same sha256, still a
/// session folder), or the bundle extracted into a new one ([`extract`]); `true` when reopened.
/// Each opening had unpacked a fresh copy, so the comments made in the last one were not shown.
pub fn open(bundle: &Path, root: &Path) -> Result<(PathBuf, bool), BundleError> {
    let sha = crate::session::sha256_file(bundle).map_err(io(bundle))?;
    let earlier = std::fs::read_dir(root).into_iter().flatten().flatten().map(|e| e.path()).find(|d| {
        std::fs::read_to_string(d.join(FROM_BUNDLE)).is_ok_and(|s| s.trim() == sha)
            && SessionFolder::open(d).is_ok()
    });
    if let Some(d) = earlier {
        return Ok((d, true));
    }
    let dir = extract(bundle, root)?;
    // Without the mark the bundle still opened; it would open as a new copy next time.
    let _ = crate::atomic::write(&dir.join(FROM_BUNDLE), format!("{sha}\n").as_bytes());
    Ok((dir, false))
}

/// Extracts a bundle into a new folder under `root` and returns it (a session folder).
pub fn extract(bundle: &Path, root: &Path) -> Result<PathBuf, BundleError> {
    let name = bundle.display().to_string();
    let f = File::open(bundle).map_err(io(bundle))?;
    let mut z = zip::ZipArchive::new(f).map_err(|_| {
        BundleError::Damaged(name.clone(), "not a Thrustline bundle: not a readable zip file".into())
    })?;
    if z.len() > MAX_ENTRIES {
        return Err(BundleError::Refused(name, format!("{} entries (at most {MAX_ENTRIES})", z.len())));
    }
    std::fs::create_dir_all(root).map_err(io(root))?;
    let stem =
        bundle.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "bundle".into());
    let stem: String =
        stem.chars().map(|c| if c.is_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    sweep_partials(root);
    let partial = root.join(format!(".{stem}.{}.partial", std::process::id()));
    let _ = std::fs::remove_dir_all(&partial);
    let result = (|| -> Result<(), BundleError> {
        std::fs::create_dir_all(partial.join(KEYFRAMES_DIR)).map_err(io(&partial))?;
        let mut total = 0u64;
        for i in 0..z.len() {
            let mut e = z.by_index(i).map_err(|e| BundleError::Damaged(name.clone(), e.to_string()))?;
            let entry = e.name().map_err(|e| BundleError::Damaged(name.clone(), e.to_string()))?.to_string();
            if e.is_dir() && entry.trim_end_matches('/') == KEYFRAMES_DIR {
                continue;
            }
            // enclosed_name rejects absolute paths and `..`; the list of allowed names does the rest.
            let Some(rel) = e.enclosed_name() else {
                return Err(BundleError::Refused(name.clone(), format!("unsafe path {entry:?}")));
            };
            let Some(is_video) = allowed(&entry).filter(|_| rel.to_string_lossy() == entry) else {
                return Err(BundleError::Refused(name.clone(), format!("unexpected file {entry:?}")));
            };
            let size = e.size();
            let limit = if is_video { MAX_VIDEO_BYTES } else { MAX_FILE_BYTES };
            if size > limit {
                return Err(BundleError::Refused(
                    name.clone(),
                    format!("{entry} is {size} bytes (limit {limit})"),
                ));
            }
            if size > RATIO_FLOOR_BYTES && size / e.compressed_size().max(1) > MAX_RATIO {
                return Err(BundleError::Refused(
                    name.clone(),
                    format!("{entry} expands {}× (zip bomb)", size / e.compressed_size().max(1)),
                ));
            }
            total += size;
            if total > MAX_TOTAL_BYTES {
                return Err(BundleError::Refused(
                    name.clone(),
                    format!("more than {MAX_TOTAL_BYTES} bytes in all"),
                ));
            }
            let dst = partial.join(&rel);
            let mut out = File::create(&dst).map_err(io(&dst))?;
            // Never trust the declared size: copy at most one byte more and compare.
            let n = std::io::copy(&mut (&mut e).take(size + 1), &mut out)
                .map_err(|err| BundleError::Damaged(name.clone(), format!("{entry}: {err}")))?;
            if n != size {
                return Err(BundleError::Damaged(
                    name.clone(),
                    format!("{entry}: {n} bytes, header says {size}"),
                ));
            }
        }
        // It must be a session folder that opens.
        // The reason without the temp folder's path: the user knows the bundle, not `.partial`.
        let mut folder =
            SessionFolder::open(&partial).map_err(|e| BundleError::Damaged(name.clone(), e.reason()))?;
        // Its contents are data, never paths to follow: the video is the one it carries, if any,
        // whatever `input.file` claimed (a hostile bundle names `/etc/passwd` there, to be
        // packed into the recipient's reply).
        let carried = VIDEO_EXTS.iter().map(|e| format!("video.{e}")).find(|n| partial.join(n).is_file());
        let file = carried.unwrap_or_default();
        if folder.session.input.file != file {
            folder.session.input.file = file;
            folder.save().map_err(|e| BundleError::Damaged(name.clone(), e.reason()))?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&partial);
        return Err(e);
    }
    for n in 1..1000 {
        let dst = if n == 1 { root.join(&stem) } else { root.join(format!("{stem}-{n}")) };
        if !dst.exists() {
            std::fs::rename(&partial, &dst).map_err(io(&dst))?;
            return Ok(dst);
        }
    }
    let _ = std::fs::remove_dir_all(&partial);
    Err(BundleError::Io(root.display().to_string(), std::io::Error::other("no free folder name")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_session_names_are_allowed() {
        for ok in ["session.json", "frames.jsonl", "video.mkv", "keyframes/007.jpg", "annotated.mp4"] {
            assert!(allowed(ok).is_some(), "{ok}");
        }
        for bad in
            ["../x", "video.exe", "keyframes/../../a.jpg", "keyframes/a.jpg", ".bashrc", "x/session.json"]
        {
            assert!(allowed(bad).is_none(), "{bad}");
        }
    }
}
