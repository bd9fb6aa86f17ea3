//! Spoken cues rendered by espeak-ng (`thrustline render-cues assets/cues`), embedded so the
//! binary needs no asset folder at run time. `assets/cues/cues.tsv` records the text of each.

use thrustline_core::FaultId;

/// The manifest written beside the WAVs: `name<TAB>text` per line.
pub const MANIFEST: &str = include_str!("../../../assets/cues/cues.tsv");

pub fn fault(id: FaultId) -> &'static [u8] {
    match id {
        FaultId::OverarchLowerBack => include_bytes!("../../../assets/cues/fault_overarch_lower_back.wav"),
        FaultId::FeetTooFar => include_bytes!("../../../assets/cues/fault_feet_too_far.wav"),
        FaultId::FeetTooClose => include_bytes!("../../../assets/cues/fault_feet_too_close.wav"),
        FaultId::IncompleteLockout => include_bytes!("../../../assets/cues/fault_incomplete_lockout.wav"),
        FaultId::NoTopSqueeze => include_bytes!("../../../assets/cues/fault_no_top_squeeze.wav"),
        FaultId::HeelsLifting => include_bytes!("../../../assets/cues/fault_heels_lifting.wav"),
        FaultId::ToesLifting => include_bytes!("../../../assets/cues/fault_toes_lifting.wav"),
        FaultId::UncontrolledLowering => {
            include_bytes!("../../../assets/cues/fault_uncontrolled_lowering.wav")
        }
        FaultId::HipsUneven => include_bytes!("../../../assets/cues/fault_hips_uneven.wav"),
    }
}

pub fn rep(n: u32) -> Option<&'static [u8]> {
    Some(match n {
        1 => include_bytes!("../../../assets/cues/rep_1.wav"),
        2 => include_bytes!("../../../assets/cues/rep_2.wav"),
        3 => include_bytes!("../../../assets/cues/rep_3.wav"),
        4 => include_bytes!("../../../assets/cues/rep_4.wav"),
        5 => include_bytes!("../../../assets/cues/rep_5.wav"),
        6 => include_bytes!("../../../assets/cues/rep_6.wav"),
        7 => include_bytes!("../../../assets/cues/rep_7.wav"),
        8 => include_bytes!("../../../assets/cues/rep_8.wav"),
        9 => include_bytes!("../../../assets/cues/rep_9.wav"),
        10 => include_bytes!("../../../assets/cues/rep_10.wav"),
        11 => include_bytes!("../../../assets/cues/rep_11.wav"),
        12 => include_bytes!("../../../assets/cues/rep_12.wav"),
        13 => include_bytes!("../../../assets/cues/rep_13.wav"),
        14 => include_bytes!("../../../assets/cues/rep_14.wav"),
        15 => include_bytes!("../../../assets/cues/rep_15.wav"),
        16 => include_bytes!("../../../assets/cues/rep_16.wav"),
        17 => include_bytes!("../../../assets/cues/rep_17.wav"),
        18 => include_bytes!("../../../assets/cues/rep_18.wav"),
        19 => include_bytes!("../../../assets/cues/rep_19.wav"),
        20 => include_bytes!("../../../assets/cues/rep_20.wav"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cue whose text changed without re-rendering its WAV would speak the old advice.
    #[test]
    fn manifest_matches_the_core_cues() {
        for id in FaultId::ALL {
            let line = format!("fault_{}\t{}", id.as_str(), id.cue());
            assert!(MANIFEST.lines().any(|l| l == line), "re-render assets/cues: {line}");
        }
    }
}
