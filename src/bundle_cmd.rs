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
    #[arg(short, long, visible_alias = "out")]
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
    #[arg(long, required_unless_present = "import", requires = "text", value_parser = crate::args::parse_seconds)]
    pub at: Option<f64>,
    /// The comment.
    #[arg(long, required_unless_present = "import", requires = "at")]
    pub text: Option<String>,
    /// A coach's reply file (from the review page's "Send feedback"): its new comments are
    /// merged in, once.
    #[arg(long, conflicts_with_all = ["at", "text", "author"])]
    pub import: Option<PathBuf>,
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
    if let Some(file) = &a.import {
        let n = thrustline_engine::share::import_feedback(&a.session, file)?;
        if n == 0 {
            println!("nothing new in {}: every comment was already in the session", file.display());
        } else {
            println!(
                "{n} {} imported from {}; report.html rebuilt",
                if n == 1 { "comment" } else { "comments" },
                file.display()
            );
            stale_page_hint(&a.session);
        }
        return Ok(());
    }
    let (Some(at), Some(text)) = (a.at, a.text.as_deref()) else {
        anyhow::bail!("give --at and --text, or --import FILE");
    };
    let rep = SessionFolder::open(&a.session)?.comment_at(at, text, &author(a.author.as_deref()))?;
    println!("comment added at {at:.1} s{}", rep.map(|r| format!(" (rep {r})")).unwrap_or_default());
    stale_page_hint(&a.session);
    Ok(())
}

/// A review page shared before a comment does not hold it: says how to make one that does.
fn stale_page_hint(session: &std::path::Path) {
    if session.join(thrustline_engine::share::PAGE).is_file() {
        println!(
            "{} was shared before this: run `thrustline share {}` again for a page with every comment",
            thrustline_engine::share::PAGE,
            session.display()
        );
    }
}

#[derive(clap::Args, Debug)]
pub struct ShareArgs {
    /// Session folder (from analyze or live).
    pub session: PathBuf,
    /// The page to write (default: review.html in the session folder).
    #[arg(short, long, visible_alias = "out")]
    pub output: Option<PathBuf>,
    /// Longest side of the embedded video in pixels (0: the video's own size).
    #[arg(long, default_value_t = thrustline_engine::share::DEFAULT_VIDEO_SIDE, value_parser = crate::args::parse_video_size)]
    pub video_size: u32,
    /// Replace an existing file at OUTPUT that is not a review page.
    #[arg(long)]
    pub force: bool,
}

pub fn share(a: &ShareArgs) -> Result<()> {
    let s = thrustline_engine::share::write(&a.session, a.output.as_deref(), a.video_size, a.force)?;
    println!(
        "{} ({:.1} MB, video {:.1} MB{}): open it in any browser; the coach's \"Send feedback\" file goes back with `thrustline comment {} --import FILE`",
        s.path.display(),
        s.bytes as f64 / 1e6,
        s.video_bytes as f64 / 1e6,
        if s.overlay { ", skeleton drawn by the page" } else if s.video_bytes > 0 { ", annotated video" } else { ", no video found" },
        a.session.display()
    );
    Ok(())
}
