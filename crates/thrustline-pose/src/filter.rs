//! MediaPipe's temporal filters: `OneEuroFilter` (landmark coordinates) and the low-pass
//! visibility filter, with the parameters of pose_landmark_filtering.pbtxt.

/// Parameters of one one-euro filter bank.
#[derive(Clone, Copy, Debug)]
pub struct OneEuroParams {
    pub min_cutoff: f64,
    pub beta: f64,
    pub derivate_cutoff: f64,
}

/// Pose landmarks (pose_landmark_filtering.pbtxt).
pub const LANDMARKS: OneEuroParams = OneEuroParams { min_cutoff: 0.05, beta: 80.0, derivate_cutoff: 1.0 };
/// World landmarks, in metres: no value scaling.
pub const WORLD: OneEuroParams = OneEuroParams { min_cutoff: 0.1, beta: 40.0, derivate_cutoff: 1.0 };
/// Auxiliary (ROI) landmarks: smoothed much harder so the crop stays still.
pub const AUXILIARY: OneEuroParams = OneEuroParams { min_cutoff: 0.01, beta: 10.0, derivate_cutoff: 1.0 };
/// Visibility low-pass weight of the new value.
pub const VISIBILITY_ALPHA: f32 = 0.1;
/// `OneEuroFilter`'s frequency before two timestamps are known (proto default).
const DEFAULT_FREQUENCY: f64 = 30.0;

#[derive(Clone, Copy, Debug, Default)]
struct LowPass {
    raw: f64,
    stored: f64,
    init: bool,
}

impl LowPass {
    fn apply(&mut self, v: f64, alpha: f64) -> f64 {
        self.stored = if self.init { alpha * v + (1.0 - alpha) * self.stored } else { v };
        self.raw = v;
        self.init = true;
        self.stored
    }
}

#[derive(Clone, Copy, Debug)]
struct OneEuro {
    frequency: f64,
    /// Last timestamp in seconds; 0 means none yet, as in MediaPipe, where a sample stamped 0
    /// passes through unfiltered and does not seed the filter.
    last_t: f64,
    x: LowPass,
    dx: LowPass,
}

impl OneEuro {
    fn new() -> Self {
        Self { frequency: DEFAULT_FREQUENCY, last_t: 0.0, x: LowPass::default(), dx: LowPass::default() }
    }

    fn alpha(&self, cutoff: f64) -> f64 {
        let te = 1.0 / self.frequency;
        let tau = 1.0 / (2.0 * std::f64::consts::PI * cutoff);
        1.0 / (1.0 + tau / te)
    }

    fn apply(&mut self, p: &OneEuroParams, t_s: f64, value_scale: f64, v: f64) -> f64 {
        if self.last_t >= t_s {
            return v;
        }
        if self.last_t != 0.0 && t_s != 0.0 {
            self.frequency = 1.0 / (t_s - self.last_t);
        }
        self.last_t = t_s;
        let dv = if self.x.init { (v - self.x.raw) * value_scale * self.frequency } else { 0.0 };
        let edv = self.dx.apply(dv, self.alpha(p.derivate_cutoff));
        let cutoff = p.min_cutoff + p.beta * edv.abs();
        self.x.apply(v, self.alpha(cutoff))
    }
}

/// Smooths N points (x, y, z in pixels) as MediaPipe's `LandmarksSmoothingCalculator` does,
/// scaling velocities by the inverse of the object's size.
#[derive(Clone, Debug)]
pub struct LandmarkSmoother<const N: usize> {
    params: OneEuroParams,
    filters: Option<[[OneEuro; 3]; N]>,
}

impl<const N: usize> LandmarkSmoother<N> {
    pub fn new(params: OneEuroParams) -> Self {
        Self { params, filters: None }
    }

    pub fn reset(&mut self) {
        self.filters = None;
    }

    /// Filters `pts` in place. `object_scale`: the object's size in the points' units
    /// (MediaPipe's OBJECT_SCALE_ROI); `None` disables value scaling (world landmarks).
    pub fn apply(&mut self, t_s: f64, object_scale: Option<f32>, pts: &mut [[f32; 3]; N]) {
        let value_scale = match object_scale {
            // MediaPipe's min_allowed_object_scale default: below it, points pass unfiltered.
            Some(s) if s < 1e-6 => return,
            Some(s) => 1.0 / f64::from(s),
            None => 1.0,
        };
        let params = self.params;
        let filters = self.filters.get_or_insert_with(|| [[OneEuro::new(); 3]; N]);
        for (p, f) in pts.iter_mut().zip(filters.iter_mut()) {
            for k in 0..3 {
                p[k] = f[k].apply(&params, t_s, value_scale, f64::from(p[k])) as f32;
            }
        }
    }
}

/// Low-pass filter of visibilities (`VisibilitySmoothingCalculator`).
#[derive(Clone, Debug)]
pub struct VisibilitySmoother<const N: usize> {
    state: Option<[f32; N]>,
}

impl<const N: usize> Default for VisibilitySmoother<N> {
    fn default() -> Self {
        Self { state: None }
    }
}

impl<const N: usize> VisibilitySmoother<N> {
    pub fn reset(&mut self) {
        self.state = None;
    }

    pub fn apply(&mut self, v: &mut [f32; N]) {
        match &mut self.state {
            None => self.state = Some(*v),
            Some(s) => {
                for (s, v) in s.iter_mut().zip(v.iter_mut()) {
                    *s = VISIBILITY_ALPHA * *v + (1.0 - VISIBILITY_ALPHA) * *s;
                    *v = *s;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_point_stays_and_noise_is_damped() {
        let mut f = LandmarkSmoother::<2>::new(LANDMARKS);
        let mut out = Vec::new();
        for i in 0..60 {
            let jitter = if i % 2 == 0 { 1.0 } else { -1.0 };
            let mut p = [[100.0 + jitter, 50.0, 0.0], [200.0, 150.0, 0.0]];
            // A 400 px tall person: ±1 px of jitter is noise, not motion.
            f.apply(i as f64 / 30.0, Some(400.0), &mut p);
            out.push(p[0][0]);
        }
        let tail = &out[40..];
        let spread =
            tail.iter().cloned().fold(f32::MIN, f32::max) - tail.iter().cloned().fold(f32::MAX, f32::min);
        assert!(spread < 0.5, "±1 px jitter (2 px peak to peak) must shrink 4×, got {spread}");
    }

    #[test]
    fn fast_motion_is_followed() {
        let mut f = LandmarkSmoother::<2>::new(LANDMARKS);
        let mut last = 0.0;
        for i in 0..30 {
            let x = 100.0 + 10.0 * i as f32;
            let mut p = [[x, 50.0, 0.0], [x + 100.0, 150.0, 0.0]];
            f.apply(i as f64 / 30.0, Some(100.0), &mut p);
            last = x - p[0][0];
        }
        assert!(last < 5.0, "lag {last} px at 300 px/s");
    }
}
