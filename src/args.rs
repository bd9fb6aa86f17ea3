//! Flags shared by the commands, and their parsers: a bad value is one line naming it.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Result};
use thrustline_core::{Thresholds, Variation};
use thrustline_pose::ModelKind;

/// What is lifted and how it is judged: the same flags for `analyze` and `live`.
#[derive(clap::Args, Debug)]
pub struct LiftArgs {
    /// Landmark model: lite, full or heavy (when converted).
    #[arg(long, default_value = "full")]
    pub model: ModelKind,
    /// Hip-thrust variation: barbell, dumbbell, bodyweight, banded, smith, single-leg or
    /// glute-bridge.
    #[arg(long, default_value = "barbell")]
    pub variation: Variation,
    /// Load, e.g. 60kg or 135lb (a bare number is kilograms).
    #[arg(long)]
    pub load: Option<String>,
    /// Your height, e.g. 1.75m or 175cm: hip velocities and ranges are scaled to it (without
    /// it, BlazePose's own metric scale).
    #[arg(long, value_parser = parse_height)]
    pub height: Option<f32>,
    /// TOML file overriding fault thresholds.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

impl LiftArgs {
    pub fn thresholds(&self) -> Result<Thresholds> {
        Ok(thrustline_engine::setup::thresholds(self.config.as_deref())?)
    }

    pub fn load_kg(&self) -> Result<Option<f64>> {
        self.load.as_deref().map(parse_load).transpose()
    }
}

/// `--threads`: 1 to 64 (more than the machine's cores only slows ONNX Runtime down).
pub fn parse_threads(s: &str) -> std::result::Result<usize, String> {
    let v: usize = s.trim().parse().map_err(|_| format!("'{s}' is not a number of threads"))?;
    if (1..=64).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is out of range (1 to 64)"))
    }
}

/// `--video-size`: 0 (the input's size) or a longest side from 64 to 8192 pixels.
pub fn parse_video_size(s: &str) -> std::result::Result<u32, String> {
    let v: u32 = s.trim().parse().map_err(|_| format!("'{s}' is not a number of pixels"))?;
    if v == 0 || (64..=8192).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is out of range (0 for the input's size, or 64 to 8192)"))
    }
}

/// Metres from "1.75m", "175cm", "1.75" (a bare number under 3 is metres, else centimetres).
pub fn parse_height(s: &str) -> std::result::Result<f32, String> {
    let t = s.trim().to_ascii_lowercase();
    let (num, factor) = if let Some(n) = t.strip_suffix("cm") {
        (n, 0.01)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 1.0)
    } else {
        (t.as_str(), 0.0)
    };
    let v: f32 =
        num.trim().parse().map_err(|_| format!("'{s}' is not a height (use e.g. 1.75m or 175cm)"))?;
    let m = if factor > 0.0 {
        v * factor
    } else if v < 3.0 {
        v
    } else {
        v * 0.01
    };
    if (1.0..=2.5).contains(&m) {
        Ok(m)
    } else {
        Err(format!("'{s}' is out of range (1.0 to 2.5 m)"))
    }
}

/// Kilograms from "60kg", "135lb", "60".
pub fn parse_load(s: &str) -> Result<f64> {
    let t = s.trim().to_ascii_lowercase();
    let (num, factor) = if let Some(n) = t.strip_suffix("kg") {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix("lbs").or_else(|| t.strip_suffix("lb")) {
        (n, 0.453_592_37)
    } else {
        (t.as_str(), 1.0)
    };
    let v: f64 = num.trim().parse().map_err(|_| anyhow!("invalid load '{s}' (use e.g. 60kg or 135lb)"))?;
    if !(0.0..=1000.0).contains(&v) {
        bail!("invalid load '{s}' (between 0 and 1000)");
    }
    Ok((v * factor * 100.0).round() / 100.0)
}

/// A percentage from 1 to 100.
pub fn parse_percent(s: &str) -> std::result::Result<f32, String> {
    let v: f32 = s.trim().trim_end_matches('%').parse().map_err(|_| format!("'{s}' is not a percentage"))?;
    if (1.0..=100.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is out of range (1 to 100)"))
    }
}
