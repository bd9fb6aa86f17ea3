//! `thrustline bundle` and `thrustline comment`: sharing a session and leaving feedback on it
//! from the command line (review mode does the same in the window).

use std::path::PathBuf;

use anyhow::{bail, Result};
use thrustline_report::folder::SessionFolder;
use thrustline_report::session::Comment;

#[derive(clap::Args, Debug)]
pub struct BundleArgs {
    /// Session folder (from analyze or live).
    pub session: PathBuf,
    /// The bundle to write (.thrust).
    #[arg(short, long)]
    pub output: PathBuf,
}

pub fn bundle(a: &BundleArgs) -> Result<()> {
    let n = thrustline_report::bundle::write(&a.session, &a.output)?;
    println!("{} ({:.1} MB)", a.output.display(), n as f64 / 1e6);
    Ok(())
}

#[derive(clap::Args, Debug)]
pub struct CommentArgs {
    /// Session folder.
    pub session: PathBuf,
    /// Time in the video, seconds.
    #[arg(long)]
    pub at: f64,
    /// The comment.
    #[arg(long)]
    pub text: String,
    /// Who says it (default: $USER).
    #[arg(long)]
    pub author: Option<String>,
}

/// The commenter's name: given, else the login name.
pub fn author(given: Option<&str>) -> String {
    given
        .map(str::to_string)
        .or_else(|| std::env::var("USER").ok())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "coach".to_string())
}

pub fn comment(a: &CommentArgs) -> Result<()> {
    let mut f = SessionFolder::open(&a.session)?;
    if !(0.0..=f.session.input.duration_s + 1.0).contains(&a.at) {
        bail!("--at {} is outside the video (0 to {:.1} s)", a.at, f.session.input.duration_s);
    }
    if a.text.trim().is_empty() {
        bail!("empty comment");
    }
    let rep = f.session.rep_at(a.at).map(|r| r.index);
    f.add_comment(Comment {
        t_s: a.at,
        rep,
        author: author(a.author.as_deref()),
        text: a.text.clone(),
        mark: None,
    })?;
    println!("comment added at {:.1} s{}", a.at, rep.map(|r| format!(" (rep {r})")).unwrap_or_default());
    Ok(())
}
