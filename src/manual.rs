//! Shell completions and man pages, generated from the clap definitions so they never drift.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::CommandFactory;

#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell.
    pub shell: clap_complete::Shell,
}

#[derive(clap::Args, Debug)]
pub struct ManpagesArgs {
    /// Folder for thrustline.1 and one thrustline-<command>.1 per command.
    pub dir: PathBuf,
}

/// Prints the completion script for `shell` (e.g. `thrustline completions bash > …`).
pub fn completions(a: &CompletionsArgs) -> Result<()> {
    let mut cmd = crate::Cli::command();
    clap_complete::generate(a.shell, &mut cmd, "thrustline", &mut std::io::stdout());
    Ok(())
}

/// Writes the man pages (packaging).
pub fn manpages(a: &ManpagesArgs) -> Result<()> {
    std::fs::create_dir_all(&a.dir).with_context(|| format!("cannot create {}", a.dir.display()))?;
    clap_mangen::generate_to(crate::Cli::command(), &a.dir)
        .with_context(|| format!("cannot write the man pages to {}", a.dir.display()))
}
