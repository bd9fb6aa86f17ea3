//! `thrustline review SESSION_DIR|VIDEO|FILE.thrust`: the review window. A bare video is
//! analyzed first; a bundle is extracted (safely) into the data directory.

use std::path::PathBuf;

use anyhow::{anyhow, Result};
use thrustline_core::Variation;
use thrustline_engine::review::{self, Opened};
use thrustline_report::folder::SessionFolder;

#[derive(clap::Args, Debug)]
pub struct ReviewArgs {
    /// A session folder, a .thrust bundle, or a video (analyzed first).
    pub input: PathBuf,
    /// Your name on the comments you add (default: $USER).
    #[arg(long)]
    pub author: Option<String>,
    /// Variation, when a bare video is analyzed first.
    #[arg(long, default_value = "auto")]
    pub variation: Variation,
    /// Where a bare video's analysis or a bundle's contents go (default: the data directory).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Open at this time, in seconds.
    #[arg(long, value_parser = crate::args::parse_seconds)]
    pub at: Option<f64>,
    /// Save a screenshot once the first frame is shown.
    #[arg(long)]
    pub screenshot: Option<PathBuf>,
    /// Close after the screenshot (scripts and tests).
    #[arg(long)]
    pub exit: bool,
    /// Start with the best rep's ghost skeleton over the current one.
    #[arg(long)]
    pub ghost: bool,
    /// A coach's reply file (the review page's "Send feedback") to import on opening; a reply
    /// dropped on the window is imported too.
    #[arg(long)]
    pub import: Option<PathBuf>,
    #[arg(long, hide = true)]
    pub ui_trace: Option<PathBuf>,
}

pub fn run(a: &ReviewArgs) -> Result<bool> {
    let no_display = || {
        anyhow!("no display to open the review window on (DISPLAY is not set); `thrustline comment` and `thrustline bundle` work without one")
    };
    let bundle = a.input.extension().is_some_and(|e| e.eq_ignore_ascii_case("thrust"));
    // A path that is not there is the first thing to say, display or not.
    if !a.input.exists() {
        anyhow::bail!("{}: no such file or folder", a.input.display());
    }
    // A bundle is checked (and extracted) first: a bad one is worth knowing about anyway.
    if !thrustline_ui::has_display() && !bundle {
        return Err(no_display());
    }
    let cancel = thrustline_engine::terminal::stop_on_ctrl_c();
    let (dir, opened) = review::open(
        &a.input,
        a.out.as_deref(),
        a.variation,
        &cancel,
        &thrustline_engine::terminal::ProgressBar::new(false),
    )?;
    // Announced only where it stays: without a window the copy is removed below.
    if thrustline_ui::has_display() {
        match opened {
            Opened::Bundle => eprintln!("bundle opened into {}", dir.display()),
            Opened::BundleAgain => {
                eprintln!("bundle opened before: reopening {} with its comments", dir.display())
            }
            Opened::Analyzed => eprintln!("video analyzed into {}", dir.display()),
            Opened::AnalyzedBefore => eprintln!(
                "video reviewed before: reopening {} with its comments (--out DIR analyzes it again)",
                dir.display()
            ),
            Opened::Folder => {}
        }
    }
    if !thrustline_ui::has_display() {
        // The bundle opened fine; without a window to show it in, leave no copy behind (only
        // the copy just extracted: never a folder the user named).
        if opened == Opened::Bundle {
            let _ = std::fs::remove_dir_all(&dir);
        }
        return Err(no_display());
    }
    let folder = SessionFolder::open(&dir)?;
    let auto = thrustline_ui::review::ReviewAutomation {
        at_s: a.at,
        screenshot: a.screenshot.clone(),
        exit: a.exit,
        trace: a.ui_trace.clone(),
        ghost: a.ghost,
        import: a.import.clone(),
    };
    let author = crate::bundle_cmd::author(a.author.as_deref());
    thrustline_ui::review::run(folder, author, auto).map_err(|e| anyhow!(e))?;
    Ok(true)
}
