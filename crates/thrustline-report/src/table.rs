//! `reps.csv`: one row per rep, the columns a spreadsheet user wants.

use crate::session::Session;
use crate::ReportError;

fn opt(v: Option<f32>) -> String {
    v.map(|x| format!("{x:.1}")).unwrap_or_default()
}

/// The set's velocity loss as of this rep: from its fastest rep so far to this one, percent.
fn loss_so_far(s: &Session, rep: &thrustline_core::Rep) -> Option<f32> {
    // Compared in the whole set's view, so that each row agrees with the set's figure.
    let set: Vec<&thrustline_core::Rep> = s.reps.iter().filter(|r| r.set == rep.set).collect();
    let view = thrustline_core::session::set_view(set.iter().copied());
    let so_far: Vec<&thrustline_core::Rep> = set.iter().copied().filter(|r| r.index <= rep.index).collect();
    let means = thrustline_core::session::compared_velocities(&so_far, view);
    let compared = rep.view == view && rep.mean_concentric_velocity_m_s.is_some();
    thrustline_core::velocity::velocity_loss_pct(&means).filter(|_| compared)
}

pub fn reps_csv(s: &Session) -> Result<Vec<u8>, ReportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "rep",
        "set",
        "start_s",
        "lockout_s",
        "end_s",
        "complete",
        "side",
        "bottom_hip_angle_deg",
        "peak_hip_angle_deg",
        "rom_deg",
        "lockout_hip_angle_deg",
        "knee_angle_at_top_deg",
        "shin_angle_at_top_deg",
        "max_hyperextension_deg",
        "concentric_s",
        "top_hold_s",
        "eccentric_s",
        "bottom_pause_s",
        "view",
        "faults",
        "cues",
        "not_judged",
        "mean_concentric_velocity_m_s",
        "peak_concentric_velocity_m_s",
        "range_of_motion_cm",
        "set_velocity_loss_pct",
    ])?;
    for r in &s.reps {
        let m = &r.metrics;
        let faults: Vec<&str> = r.faults.iter().map(|f| f.id.as_str()).collect();
        let cues: Vec<&str> = r.faults.iter().map(|f| f.cue.as_str()).collect();
        // "fault:reason" for every fault the rep could not show.
        let not_judged: Vec<String> =
            r.not_judged().map(|(id, why)| format!("{}:{}", id.as_str(), why.as_str())).collect();
        w.write_record([
            r.index.to_string(),
            r.set.to_string(),
            format!("{:.3}", r.start_s),
            format!("{:.3}", r.lockout_s),
            format!("{:.3}", r.end_s),
            r.complete.to_string(),
            format!("{:?}", r.side).to_lowercase(),
            format!("{:.1}", m.bottom_hip_angle),
            format!("{:.1}", m.peak_hip_angle),
            format!("{:.1}", m.rom_deg),
            format!("{:.1}", m.lockout_hip_angle),
            opt(m.knee_angle_at_top),
            opt(m.shin_angle_at_top),
            opt(m.max_hyperextension_deg),
            format!("{:.2}", m.tempo.concentric_s),
            format!("{:.2}", m.tempo.top_hold_s),
            m.tempo.eccentric_s.map(|e| format!("{e:.2}")).unwrap_or_default(),
            format!("{:.2}", m.tempo.bottom_pause_s),
            r.view.map(|v| format!("{v:?}").to_lowercase()).unwrap_or_default(),
            faults.join(";"),
            cues.join(" | "),
            not_judged.join(";"),
            r.mean_concentric_velocity_m_s.map(|v| format!("{v:.3}")).unwrap_or_default(),
            r.peak_concentric_velocity_m_s.map(|v| format!("{v:.3}")).unwrap_or_default(),
            opt(r.range_of_motion_cm),
            opt(loss_so_far(s, r)),
        ])?;
    }
    w.into_inner().map_err(|e| ReportError::Io(e.into_error()))
}
