//! The model files an install carries and their published hashes (`models/SHA256SUMS`).

/// `sha256sum` lines for every committed model.
pub const SHA256SUMS: &str = include_str!("../../../models/SHA256SUMS");

/// What the pipeline loads: the detector, then per `--model` the landmark model without the
/// segmentation head (every frame) and with it (the mask on chosen frames). The `nohead`
/// variants only serve benchmarks, and stay in the source tree.
pub const SHIPPED: &[&str] = &[
    "pose_detection.onnx",
    "pose_landmark_full_noseg.onnx",
    "pose_landmark_full.onnx",
    "pose_landmark_lite_noseg.onnx",
    "pose_landmark_lite.onnx",
];

/// The published sha256 (lowercase hex) of a model file.
pub fn expected_sha256(name: &str) -> Option<&'static str> {
    SHA256SUMS.lines().find_map(|l| {
        let (hash, file) = l.split_once("  ")?;
        (file.trim() == name).then_some(hash.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_model_has_a_hash_of_its_file() {
        for name in SHIPPED {
            let h = expected_sha256(name).unwrap_or_default();
            assert_eq!(h.len(), 64, "{name}");
            assert!(h.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{name}");
        }
        assert_eq!(expected_sha256("pose_landmark_heavy.onnx"), None);
    }
}
