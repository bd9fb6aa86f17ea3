//! What every run sets up the same way: the thresholds a user's TOML gives and the models'
//! identity recorded in session.json.

use std::path::Path;

use thrustline_core::Thresholds;
use thrustline_pose::PoseConfig;
use thrustline_report::session::{sha256_file, ModelMeta};

use crate::EngineError;

/// The fault thresholds: the defaults, or a TOML file's overrides (errors name the file, with
/// the line and column).
pub fn thresholds(path: Option<&Path>) -> Result<Thresholds, EngineError> {
    let Some(p) = path else { return Ok(Thresholds::default()) };
    let text = std::fs::read_to_string(p)
        .map_err(|e| EngineError::Refused(format!("cannot read {}: {e}", p.display())))?;
    Thresholds::from_toml_str(&text).map_err(|e| EngineError::Refused(format!("{}: {e}", p.display())))
}

/// The landmark and detector models a session was analyzed with, with their checksums (the
/// two files are hashed on two threads).
pub fn model_meta(cfg: &PoseConfig) -> Result<ModelMeta, EngineError> {
    let (lp, dp) = (cfg.landmark_path(), cfg.detector_path());
    let detector = {
        let dp = dp.clone();
        std::thread::spawn(move || sha256_file(&dp))
    };
    let sha256 = sha256_file(&lp).map_err(|e| EngineError::Io(lp.display().to_string(), e))?;
    let detector_sha256 = detector
        .join()
        .map_err(|_| EngineError::Worker("checksum"))?
        .map_err(|e| EngineError::Io(dp.display().to_string(), e))?;
    Ok(ModelMeta {
        name: cfg.model.name().to_string(),
        file: lp.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        sha256,
        detector_sha256,
    })
}
