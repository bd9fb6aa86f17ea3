//! `thrustline render-cues DIR`: renders the spoken cues with espeak-ng into WAVs that the
//! live app embeds (assets/cues), with a manifest of their texts.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{bail, Context, Result};
use thrustline_core::FaultId;

/// espeak-ng voice speed, words per minute: a little brisker than its 175 default hurts
/// clarity; slower cues outlast the rep.
const WPM: &str = "165";

#[derive(clap::Args, Debug)]
pub struct CuesArgs {
    /// Folder for the WAVs (the project's is assets/cues).
    pub dir: PathBuf,
}

pub fn run(a: &CuesArgs) -> Result<()> {
    std::fs::create_dir_all(&a.dir).with_context(|| format!("cannot create {}", a.dir.display()))?;
    let mut items: Vec<(String, String)> =
        FaultId::ALL.iter().map(|id| (format!("fault_{}", id.as_str()), id.cue().to_string())).collect();
    for n in 1..=thrustline_engine::audio::SPOKEN_REPS {
        items.push((format!("rep_{n}"), n.to_string()));
    }
    let mut manifest = String::new();
    for (name, text) in &items {
        let path = a.dir.join(format!("{name}.wav"));
        let st = Command::new("espeak-ng")
            .args(["-v", "en-us", "-s", WPM, "-w"])
            .arg(&path)
            .arg(text)
            .status()
            .context("espeak-ng not found (apt install espeak-ng)")?;
        if !st.success() {
            bail!("espeak-ng failed on '{text}'");
        }
        manifest.push_str(&format!("{name}\t{text}\n"));
    }
    crate::atomic::write(&a.dir.join("cues.tsv"), manifest.as_bytes())?;
    println!("{} cues written to {}", items.len(), a.dir.display());
    Ok(())
}
