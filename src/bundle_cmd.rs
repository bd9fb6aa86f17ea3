//! `thrustline bundle` and `thrustline comment`: sharing a session and leaving feedback on it
//! from the command line (review mode does the same in the window).

use std::path::PathBuf;

use anyhow::Result;
use thrustline_report::folder::SessionFolder;

#[derive(clap::Args, Debug)]
pub struct BundleArgs {
    /// Session folder (from analyze or live).
    pub session: PathBuf,
    /// The bundle to write (.thrust).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Replace an existing file at OUTPUT that is not a bundle.
    #[arg(long)]
    pub force: bool,
}

pub fn bundle(a: &BundleArgs) -> Result<()> {
    let n = thrustline_report::bundle::write(&a.session, &a.output, a.force)?;
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
    let rep = SessionFolder::open(&a.session)?.comment_at(a.at, &a.text, &author(a.author.as_deref()))?;
    println!("comment added at {:.1} s{}", a.at, rep.map(|r| format!(" (rep {r})")).unwrap_or_default());
    Ok(())
}
