//! Spoken cues (faults, rep numbers, the stop cue, setup advice) rendered by espeak-ng
//! (`thrustline render-cues assets/cues`), embedded so the binary needs no asset folder at run
//! time. `assets/cues/cues.tsv` records the text of each.

use thrustline_core::{FaultId, SetupIssue};

/// The manifest written beside the WAVs: `name<TAB>text` per line.
pub const MANIFEST: &str = include_str!("../../../assets/cues/cues.tsv");

/// What the coach says when the set has slowed past the lifter's limit.
pub const STOP_SET_TEXT: &str = "Last good rep: stop the set";
pub const STOP_SET: &[u8] = include_bytes!("../../../assets/cues/stop_set.wav");

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

pub fn setup(i: SetupIssue) -> &'static [u8] {
    match i {
        SetupIssue::TooDark => include_bytes!("../../../assets/cues/setup_too_dark.wav"),
        SetupIssue::FeetOutOfFrame => include_bytes!("../../../assets/cues/setup_feet_out_of_frame.wav"),
        SetupIssue::FeetAtEdge => include_bytes!("../../../assets/cues/setup_feet_at_edge.wav"),
        SetupIssue::ShouldersOutOfFrame => {
            include_bytes!("../../../assets/cues/setup_shoulders_out_of_frame.wav")
        }
        SetupIssue::TooFar => include_bytes!("../../../assets/cues/setup_too_far.wav"),
        SetupIssue::HardToSee => include_bytes!("../../../assets/cues/setup_hard_to_see.wav"),
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

/// espeak-ng voice speed, words per minute: a little brisker than its 175 default hurts
/// clarity; slower cues outlast the rep.
const WPM: &str = "165";

/// Renders every cue with espeak-ng into `dir` (`fault_<id>.wav`, `rep_<n>.wav`) and the
/// manifest of their texts; returns how many were written. Maintainers run it when a cue's
/// text changes (`thrustline render-cues assets/cues`).
pub fn render_all(dir: &std::path::Path) -> Result<usize, crate::EngineError> {
    use crate::EngineError;
    std::fs::create_dir_all(dir).map_err(|e| EngineError::Io(dir.display().to_string(), e))?;
    let mut items: Vec<(String, String)> =
        FaultId::ALL.iter().map(|id| (format!("fault_{}", id.as_str()), id.cue().to_string())).collect();
    for n in 1..=crate::audio::SPOKEN_REPS {
        items.push((format!("rep_{n}"), n.to_string()));
    }
    items.push(("stop_set".into(), STOP_SET_TEXT.into()));
    items.extend(SetupIssue::ALL.iter().map(|i| (format!("setup_{}", i.as_str()), i.message().to_string())));
    let mut manifest = String::new();
    for (name, text) in &items {
        let path = dir.join(format!("{name}.wav"));
        let st = std::process::Command::new("espeak-ng")
            .args(["-v", "en-us", "-s", WPM, "-w"])
            .arg(&path)
            .arg(text)
            .status()
            .map_err(|_| EngineError::Refused("espeak-ng not found (apt install espeak-ng)".into()))?;
        if !st.success() {
            return Err(EngineError::Refused(format!("espeak-ng failed on '{text}'")));
        }
        manifest.push_str(&format!("{name}\t{text}\n"));
    }
    let p = dir.join("cues.tsv");
    thrustline_report::atomic::write(&p, manifest.as_bytes())
        .map_err(|e| EngineError::Io(p.display().to_string(), e))?;
    Ok(items.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cue whose text changed without re-rendering its WAV would speak the old advice.
    #[test]
    fn manifest_matches_the_core_cues() {
        assert!(MANIFEST.lines().any(|l| l == format!("stop_set\t{STOP_SET_TEXT}")), "re-render assets/cues");
        for id in FaultId::ALL {
            let line = format!("fault_{}\t{}", id.as_str(), id.cue());
            assert!(MANIFEST.lines().any(|l| l == line), "re-render assets/cues: {line}");
        }
        for i in SetupIssue::ALL {
            let line = format!("setup_{}\t{}", i.as_str(), i.message());
            assert!(MANIFEST.lines().any(|l| l == line), "re-render assets/cues: {line}");
        }
    }
}
