//! The camera's view: the steady estimates (lateral spread, view axis) and what they call it.

use super::*;

/// The view a steady lateral spread and camera yaw describe (see [`CameraView`]). Without a
/// yaw (no world landmarks) the spread's own, tighter side limit stands in for the yaw's.
pub(super) fn classify_view(spread: Option<f32>, yaw: Option<f32>, c: &Thresholds) -> Option<CameraView> {
    if spread.is_none() && yaw.is_none() {
        return None;
    }
    let (sp, y) = (spread.unwrap_or(0.0), yaw.unwrap_or(0.0));
    let side_max_spread =
        if yaw.is_some() { c.side_view_max_spread } else { c.side_view_max_spread_image_only };
    Some(if sp >= c.frontal_view_min_spread || y > c.max_view_yaw_deg {
        CameraView::Frontal
    } else if sp > side_max_spread || y > c.side_view_max_yaw_deg {
        CameraView::Oblique
    } else {
        CameraView::Side
    })
}

/// Median of a histogram of whole-degree readings; `None` when it is empty.
pub(super) fn median_bin(h: &[u32]) -> Option<f32> {
    let n: u64 = h.iter().map(|&c| u64::from(c)).sum();
    let mut seen = 0u64;
    for (deg, &c) in h.iter().enumerate() {
        seen += u64::from(c);
        if n > 0 && 2 * seen >= n {
            return Some(deg as f32);
        }
    }
    None
}

impl Analyzer {
    /// The view the steady estimates describe now: side (sagittal angles judged), oblique, or
    /// frontal (the left–right axis seen). `None` before anything was measured.
    pub(super) fn current_view(&self) -> Option<CameraView> {
        classify_view(self.view_spread, self.view_axis().map(|v| v.obliquity_deg), &self.cfg)
    }

    /// The steady view axis (world landmarks), if any.
    pub(super) fn view_axis(&self) -> Option<ViewAxis> {
        self.axis.and_then(ViewAxis::from_axis).map(|v| ViewAxis { world_angles: self.world_angles, ..v })
    }

    /// The view most posed frames were seen from.
    pub(super) fn camera_view(&self) -> Option<CameraView> {
        let views = [CameraView::Side, CameraView::Oblique, CameraView::Frontal];
        let (i, n) = self.view_frames.iter().enumerate().max_by_key(|&(i, n)| (*n, usize::MAX - i))?;
        (*n > 0).then_some(views[i])
    }

    /// The session's view: its reps' own when there are reps (most of them; ties to the view
    /// that hides more), else [`Self::camera_view`]. With the yaw on the limit most frames can
    /// read oblique while every rep's top read side, and the report must not call judged reps
    /// unjudged.
    pub(super) fn session_view(&self) -> Option<CameraView> {
        let views = [CameraView::Side, CameraView::Oblique, CameraView::Frontal];
        let count = |v: CameraView| self.reps.iter().filter(|r| r.view == Some(v)).count();
        // `max_by_key` keeps the last of equals: the view that hides more.
        let most = views.into_iter().max_by_key(|&v| count(v)).filter(|&v| count(v) > 0);
        most.or_else(|| self.camera_view())
    }
}
