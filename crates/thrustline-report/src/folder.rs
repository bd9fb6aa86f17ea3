//! A session folder on disk, as the analyzer and the live app write it: loading it for review,
//! saving comments, and re-rendering report.html (key frames are kept in `keyframes/` so the
//! report can be rebuilt with the comments).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use crate::frames::FrameLine;
use crate::html::{self, KeyFrame};
use crate::session::{Comment, Session};
use crate::{atomic, ReportError};

pub const SESSION_FILE: &str = "session.json";
pub const FRAMES_FILE: &str = "frames.jsonl";
pub const REPORT_FILE: &str = "report.html";
pub const KEYFRAMES_DIR: &str = "keyframes";
const KEYFRAMES_INDEX: &str = "keyframes/index.json";

#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    #[error("{0}: not a Thrustline session folder (no session.json)")]
    NotASession(String),
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    #[error("{0}: damaged ({1})")]
    Damaged(String, String),
    #[error("{0}")]
    Report(#[from] ReportError),
    /// A request the folder refuses (a comment outside the video, an empty one).
    #[error("{0}")]
    Invalid(String),
}

impl FolderError {
    /// What is wrong, without the path (for a folder the user never named, as a bundle's).
    pub fn reason(&self) -> String {
        let file =
            |p: &str| Path::new(p).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match self {
            FolderError::NotASession(_) => "no session.json".into(),
            FolderError::Io(p, e) => format!("{}: {e}", file(p)),
            FolderError::Damaged(p, why) => format!("{}: {why}", file(p)),
            other => other.to_string(),
        }
    }
}

fn io(p: &Path) -> impl FnOnce(std::io::Error) -> FolderError + '_ {
    move |e| FolderError::Io(p.display().to_string(), e)
}

#[derive(Serialize, Deserialize)]
struct KeyFrameEntry {
    caption: String,
    t_s: f64,
    file: String,
}

/// A file a command writes for a session (`bundle`'s `.thrust`, `share`'s page): what it may
/// replace, and how its refusals name it.
pub struct OwnOutput<'a> {
    /// The file in advice: "write the {noun} somewhere else".
    pub noun: &'a str,
    /// An existing file of another kind "is not a Thrustline {kind}".
    pub kind: &'a str,
    /// The extension a name should end in, advised when a folder is given.
    pub ext: &'a str,
    /// The one name it may take inside the session folder (the review page), if any.
    pub in_folder: Option<&'a str>,
    /// Whether an existing file is one of this kind, replaced without `force`.
    pub is_ours: fn(&Path) -> bool,
}

/// A loaded session folder.
pub struct SessionFolder {
    pub dir: PathBuf,
    pub session: Session,
    /// Sorted by time.
    pub frames: Vec<FrameLine>,
}

impl SessionFolder {
    pub fn open(dir: &Path) -> Result<Self, FolderError> {
        // What a killed run left half-written here goes first.
        crate::atomic::sweep_stale(dir);
        let session = read_session(dir)?;
        let fp = dir.join(FRAMES_FILE);
        let mut frames = if fp.is_file() { read_frames(&fp)? } else { Vec::new() };
        frames.sort_by(|a, b| a.t.total_cmp(&b.t));
        Ok(Self { dir: dir.to_path_buf(), session, frames })
    }

    /// Why `out` may not be written (`None`: it may): a file in this folder (but
    /// `own.in_folder` in it), the session's video (the original it names, the folder's own,
    /// the annotated), a folder, or an existing file of another kind unless `force`. A typo
    /// must not turn session.json or the lifter's video into a zip or a page.
    pub fn refuse_output(&self, out: &Path, force: bool, own: &OwnOutput) -> Option<String> {
        if out.is_dir() {
            return Some(format!("is a folder; give a file name ending in {}", own.ext));
        }
        let canon = |p: &Path| std::fs::canonicalize(p).ok();
        let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let (parent, dir) = (canon(parent), canon(&self.dir));
        let in_folder = parent.as_ref().zip(dir.as_ref()).is_some_and(|(p, d)| p.starts_with(d));
        let allowed = parent.is_some()
            && parent == dir
            && own.in_folder.is_some_and(|n| out.file_name() == Some(n.as_ref()));
        if in_folder && !allowed {
            let leave =
                own.in_folder.map(|n| format!("leave -o out to write {n} there, or ")).unwrap_or_default();
            return Some(format!(
                "inside the session folder, whose files are the session's; {leave}write the {} somewhere else",
                own.noun
            ));
        }
        // The original the session names, even one that no longer matches: never written over.
        let named = Path::new(&self.session.input.file);
        let videos = [named.is_absolute().then(|| named.to_path_buf()), self.video(), self.annotated()];
        if let Some(o) = canon(out) {
            if videos.iter().flatten().filter_map(|v| canon(v)).any(|v| v == o) {
                return Some(format!("is the session's video; write the {} somewhere else", own.noun));
            }
        }
        if out.exists() && !force && !(own.is_ours)(out) {
            return Some(format!(
                "exists and is not a Thrustline {}; choose another name, or --force to replace it",
                own.kind
            ));
        }
        None
    }

    /// The video the session was measured on: the folder's own recording (a bare file name in
    /// `input.file`, a regular file inside the folder), or the analyzed original outside it:
    /// an absolute path to a video file whose size and sha256 are the ones the session
    /// recorded. Nothing else is followed, never a path relative to where the command runs: a
    /// session's `input.file` may come from someone else's bundle.
    pub fn video(&self) -> Option<PathBuf> {
        self.video_checked().ok()
    }

    /// [`Self::video`], or why the original is not used.
    pub fn video_checked(&self) -> Result<PathBuf, String> {
        let i = &self.session.input;
        let p = Path::new(&i.file);
        let is_video = |q: &Path| {
            q.extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
                .is_some_and(|e| crate::bundle::VIDEO_EXTS.contains(&e.as_str()))
        };
        let regular = |q: &Path| std::fs::symlink_metadata(q).is_ok_and(|m| m.file_type().is_file());
        let bare = p.file_name().is_some_and(|n| Path::new(n) == p);
        if bare {
            let inside = self.dir.join(p);
            if regular(&inside) {
                return Ok(inside);
            }
        }
        if i.file.is_empty() {
            return Err("the session names no video".into());
        }
        if !p.is_absolute() {
            return Err(format!("{}: not inside the session folder, and not an absolute path", i.file));
        }
        if !is_video(p) || !p.is_file() {
            return Err(format!("{}: no such video", i.file));
        }
        let (Some(size), Some(sha)) = (i.size_bytes, i.sha256.as_deref()) else {
            return Err(format!("{}: the session recorded no size and checksum to check it against", i.file));
        };
        let found = std::fs::metadata(p).map(|m| m.len()).map_err(|e| format!("{}: {e}", i.file))?;
        if found != size {
            return Err(format!("{}: {found} bytes, not the {size} analyzed (another video)", i.file));
        }
        let h = crate::session::sha256_file(p).map_err(|e| format!("{}: {e}", i.file))?;
        if h != sha {
            return Err(format!("{}: not the video analyzed (checksum differs)", i.file));
        }
        Ok(p.to_path_buf())
    }

    /// The annotated video, when the analyzer wrote one.
    pub fn annotated(&self) -> Option<PathBuf> {
        Some(self.dir.join("annotated.mp4")).filter(|p| p.is_file())
    }

    /// The frame line nearest a time (ms).
    pub fn frame_at(&self, t_ms: f64) -> Option<&FrameLine> {
        if self.frames.is_empty() {
            return None;
        }
        let i = self.frames.partition_point(|f| f.t < t_ms);
        let cand = [i.checked_sub(1), Some(i).filter(|&i| i < self.frames.len())];
        cand.into_iter()
            .flatten()
            .min_by(|&a, &b| (self.frames[a].t - t_ms).abs().total_cmp(&(self.frames[b].t - t_ms).abs()))
            .map(|i| &self.frames[i])
    }

    /// (seconds, smoothed hip angle) for plots.
    pub fn series(&self) -> Vec<(f64, Option<f32>)> {
        self.frames.iter().map(|f| (f.t / 1000.0, f.hip_angle_smoothed)).collect()
    }

    /// A comment at `t_s` (on the rep whose span holds it), checked against the video: saved
    /// with the report re-rendered. Returns the rep it landed on.
    pub fn comment_at(&mut self, t_s: f64, text: &str, author: &str) -> Result<Option<u32>, FolderError> {
        let duration = self.session.input.duration_s;
        if !(0.0..=duration).contains(&t_s) {
            return Err(FolderError::Invalid(format!(
                "--at {t_s} is outside the video (0 to {duration:.1} s)"
            )));
        }
        if text.trim().is_empty() {
            return Err(FolderError::Invalid("empty comment".into()));
        }
        let rep = self.session.rep_at(t_s).map(|r| r.index);
        self.add_comment(Comment {
            t_s,
            rep,
            author: author.to_string(),
            text: text.to_string(),
            mark: None,
        })?;
        Ok(rep)
    }

    /// Takes the comments session.json holds now over the ones loaded: another command
    /// (`thrustline comment`, a coach's reply imported) may have added some since the folder
    /// was opened, and a save from the stale copy would delete them.
    pub fn reload_comments(&mut self) -> Result<(), FolderError> {
        self.session.comments = read_session(&self.dir)?.comments;
        Ok(())
    }

    /// Adds a comment to the ones on disk now, saves session.json and re-renders the report.
    pub fn add_comment(&mut self, c: Comment) -> Result<(), FolderError> {
        self.reload_comments()?;
        self.session.comments.push(c);
        self.session.comments.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
        self.save()
    }

    /// Removes the comment shown at `i` (found again among the ones on disk now), saves.
    pub fn remove_comment(&mut self, i: usize) -> Result<(), FolderError> {
        let Some(c) = self.session.comments.get(i).cloned() else { return Ok(()) };
        self.reload_comments()?;
        if let Some(j) = self.session.comments.iter().position(|o| *o == c) {
            self.session.comments.remove(j);
            self.save()?;
        }
        Ok(())
    }

    pub fn save(&self) -> Result<(), FolderError> {
        let sp = self.dir.join(SESSION_FILE);
        atomic::write(&sp, &self.session.to_json().map_err(ReportError::from)?).map_err(io(&sp))?;
        let kf = read_keyframes(&self.dir)?;
        let rp = self.dir.join(REPORT_FILE);
        atomic::write(&rp, html::render(&self.session, &self.series(), &kf).as_bytes()).map_err(io(&rp))
    }
}

/// session.json of the folder `dir`, bounded in size and checked.
fn read_session(dir: &Path) -> Result<Session, FolderError> {
    let sp = dir.join(SESSION_FILE);
    if !dir.exists() {
        // A typo in the name: "no such folder", not "not a session folder".
        return Err(FolderError::Io(
            dir.display().to_string(),
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder"),
        ));
    }
    if !sp.is_file() {
        return Err(FolderError::NotASession(dir.display().to_string()));
    }
    let len = std::fs::metadata(&sp).map_err(io(&sp))?.len();
    if len > crate::session::MAX_SESSION_BYTES {
        return Err(FolderError::Damaged(
            sp.display().to_string(),
            format!("{len} bytes, more than a session holds"),
        ));
    }
    let bytes = std::fs::read(&sp).map_err(io(&sp))?;
    Session::from_json(&bytes).map_err(|e| FolderError::Damaged(sp.display().to_string(), e.to_string()))
}

/// Frame lines a session may hold: a day at 30 fps. Read one at a time, so memory follows the
/// frames found, never a size the file claims.
pub const MAX_FRAME_LINES: usize = 2_600_000;
/// One frame's line: 33 landmarks and the metrics take about 2 KB.
const MAX_FRAME_LINE_BYTES: u64 = 64 << 10;

/// frames.jsonl, each line checked: a time inside the recording (finite, 0 to a day) and
/// landmarks that are numbers, so a hostile stream cannot drive the plots or the player.
fn read_frames(fp: &Path) -> Result<Vec<FrameLine>, FolderError> {
    use std::io::{BufRead, Read};
    let damaged = |what: String| FolderError::Damaged(fp.display().to_string(), what);
    let f = std::fs::File::open(fp).map_err(io(fp))?;
    let mut r = std::io::BufReader::new(f);
    let mut frames = Vec::new();
    let mut line = Vec::new();
    let max_t_ms = crate::session::MAX_DURATION_S * 1000.0;
    for n in 1.. {
        line.clear();
        let got = (&mut r).take(MAX_FRAME_LINE_BYTES).read_until(b'\n', &mut line).map_err(io(fp))?;
        if got == 0 {
            break;
        }
        let complete = line.last() == Some(&b'\n');
        if !complete && got as u64 >= MAX_FRAME_LINE_BYTES {
            return Err(damaged(format!("line {n} is longer than {MAX_FRAME_LINE_BYTES} bytes")));
        }
        if frames.len() >= MAX_FRAME_LINES {
            return Err(damaged(format!("more than {MAX_FRAME_LINES} frames")));
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<FrameLine>(&line) {
            Ok(fl) => {
                if !(0.0..=max_t_ms).contains(&fl.t) {
                    return Err(damaged(format!("line {n}: t = {} ms is not a time in a recording", fl.t)));
                }
                let finite = fl.lm.iter().flatten().flatten().all(|x| x.is_finite())
                    && fl.hip_angle_smoothed.is_none_or(f32::is_finite);
                if !finite || fl.lm.as_ref().is_some_and(|l| l.len() != 33) {
                    return Err(damaged(format!("line {n}: landmarks out of range")));
                }
                frames.push(fl);
            }
            // A live session cut by a crash may end mid-line.
            Err(_) if !complete => {}
            Err(e) => return Err(damaged(format!("line {n}: {e}"))),
        }
    }
    Ok(frames)
}

/// Stores key frames beside the report, so it can be rebuilt later.
pub fn write_keyframes(dir: &Path, frames: &[KeyFrame]) -> Result<(), FolderError> {
    let kd = dir.join(KEYFRAMES_DIR);
    std::fs::create_dir_all(&kd).map_err(io(&kd))?;
    let mut index = Vec::with_capacity(frames.len());
    for (i, f) in frames.iter().enumerate() {
        let name = format!("{i:03}.jpg");
        let p = kd.join(&name);
        atomic::write(&p, &f.jpeg).map_err(io(&p))?;
        index.push(KeyFrameEntry { caption: f.caption.clone(), t_s: f.t_s, file: name });
    }
    let ip = dir.join(KEYFRAMES_INDEX);
    atomic::write(&ip, &serde_json::to_vec_pretty(&index).map_err(ReportError::from)?).map_err(io(&ip))
}

pub fn read_keyframes(dir: &Path) -> Result<Vec<KeyFrame>, FolderError> {
    let ip = dir.join(KEYFRAMES_INDEX);
    if !ip.is_file() {
        return Ok(Vec::new());
    }
    let bytes = std::fs::read(&ip).map_err(io(&ip))?;
    let index: Vec<KeyFrameEntry> = serde_json::from_slice(&bytes)
        .map_err(|e| FolderError::Damaged(ip.display().to_string(), e.to_string()))?;
    let mut out = Vec::with_capacity(index.len());
    for e in index {
        // Only plain names inside keyframes/: the index may come from someone else's bundle.
        if e.file.contains(['/', '\\']) || e.file.starts_with('.') {
            return Err(FolderError::Damaged(ip.display().to_string(), format!("bad file name {}", e.file)));
        }
        let p = dir.join(KEYFRAMES_DIR).join(&e.file);
        let jpeg = std::fs::read(&p).map_err(io(&p))?;
        out.push(KeyFrame { caption: e.caption, t_s: e.t_s, jpeg });
    }
    Ok(out)
}
