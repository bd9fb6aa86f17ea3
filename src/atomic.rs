//! Atomic file writes with the path in the error.

use std::path::Path;

use anyhow::{Context, Result};

pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    thrustline_report::atomic::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}
