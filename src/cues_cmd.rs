//! `thrustline render-cues DIR`: renders the spoken cues with espeak-ng into WAVs that the
//! live app embeds (assets/cues), with a manifest of their texts.

use std::path::PathBuf;

use anyhow::Result;

#[derive(clap::Args, Debug)]
pub struct CuesArgs {
    /// Folder for the WAVs (the project's is assets/cues).
    pub dir: PathBuf,
}

pub fn run(a: &CuesArgs) -> Result<()> {
    let n = thrustline_engine::cues::render_all(&a.dir)?;
    println!("{n} cues written to {}", a.dir.display());
    Ok(())
}
