//! The progress plots' scale, shared by the HTML page and the progress window: time across,
//! value up, the value axis at least a tenth of its top value tall (a flat series still shows).

/// The least span of a chart's value axis: a tenth of its largest value, and one unit.
const MIN_RELATIVE_SPAN: f64 = 0.1;
const MIN_SPAN: f64 = 1.0;

/// An axis value with its unit: whole numbers as such (rep counts had read "2.0, 4.0, 6.0").
pub fn tick_label(v: f64, unit: &str) -> String {
    if (v - v.round()).abs() < 1e-6 {
        format!("{v:.0}{unit}")
    } else {
        format!("{v:.1}{unit}")
    }
}

/// Where `(unix time, value)` points fall, as fractions of a plot's width and height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    t0: i64,
    t1: i64,
    pub v0: f64,
    pub v1: f64,
}

/// The log's time span, first to last session: the time charts side by side share it.
pub fn time_span(entries: &[crate::Entry]) -> (i64, i64) {
    let times = entries.iter().map(|e| e.recorded_unix_s);
    (times.clone().min().unwrap_or(0), times.max().unwrap_or(0))
}

/// A time axis's end label: the day (UTC), "2026-12-04".
pub fn day(t: i64) -> String {
    thrustline_core::calendar::minute(t).chars().take(10).collect()
}

impl Scale {
    /// The points' extent; `None` without points.
    pub fn of(pts: &[(i64, f64)]) -> Option<Self> {
        let t0 = pts.iter().map(|p| p.0).min()?;
        let t1 = pts.iter().map(|p| p.0).max()?;
        let (mut v0, mut v1) = pts.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
        // A small change does not fill the chart (60 kg to 135 lb, 2 %, had run from its bottom
        // to its top), and a flat series still gets an axis; no axis of counts, loads or rates
        // runs below zero (one session with no fault had read "-1.0%").
        let min_span = (v0.abs().max(v1.abs()) * MIN_RELATIVE_SPAN).max(MIN_SPAN);
        if v1 - v0 < min_span {
            let mid = (v0 + v1) / 2.0;
            let floor = if v0 >= 0.0 { 0.0 } else { f64::MIN };
            v0 = (mid - min_span / 2.0).max(floor);
            v1 = v0 + min_span;
        }
        Some(Self { t0, t1, v0, v1 })
    }

    /// The same values over a time span `(t0, t1)` the points lie in: charts side by side share
    /// their dates (each over its own points, the same place had meant different days).
    pub fn spanning(self, (t0, t1): (i64, i64)) -> Self {
        Self { t0: t0.min(self.t0), t1: t1.max(self.t1), ..self }
    }

    /// 0 at the first time, 1 at the last; a single time sits in the middle.
    pub fn x(&self, t: i64) -> f64 {
        if self.t1 > self.t0 {
            (t - self.t0) as f64 / (self.t1 - self.t0) as f64
        } else {
            0.5
        }
    }

    /// 0 at the lowest value, 1 at the highest.
    pub fn y(&self, v: f64) -> f64 {
        (v - self.v0) / (self.v1 - self.v0)
    }

    /// The three values the axis is labelled with: bottom, middle, top.
    pub fn ticks(&self) -> [f64; 3] {
        [self.v0, (self.v0 + self.v1) / 2.0, self.v1]
    }
}

/// The load–velocity chart's content and axes (both from zero), shared by the HTML page and the
/// progress window: each session's best set velocity against its load, and the fitted profile.
#[derive(Clone, Debug, PartialEq)]
pub struct ProfileChart {
    /// (load kg, best set mean velocity m/s) per session.
    pub points: Vec<(f64, f64)>,
    pub fit: Option<thrustline_core::velocity::LoadVelocity>,
    /// The velocity at a one-rep maximum, m/s (the dashed line).
    pub mvt_m_s: f64,
    pub load_max_kg: f64,
    pub velocity_max_m_s: f64,
    /// The unit the lifter loads in now: the load axis and the maximum are labelled in it.
    pub unit: thrustline_core::units::LoadUnit,
    /// Why there is no fit to draw: the points made one that does not fit yet (see
    /// [`crate::profile_fits`]), or none ([`crate::profile_missing_note`]).
    pub note: Option<String>,
}

impl ProfileChart {
    /// `None` without a session that has both a load and a velocity.
    pub fn of(entries: &[crate::Entry]) -> Option<Self> {
        let points = crate::profile_points(entries);
        if points.is_empty() {
            return None;
        }
        // A fit below a load already lifted is not drawn: the terminal says it does not fit
        // yet, and the page and window had shown its one-rep max as an estimate.
        let raw = crate::profile_fit(&points);
        let fit = raw.filter(|p| crate::profile_fits(p, entries));
        let unit = crate::current_load_unit(entries);
        let note = raw
            .filter(|_| fit.is_none())
            .map(|p| crate::profile_unfit_note(&p, entries, unit))
            .or_else(|| crate::profile_missing_note(entries));
        let mvt_m_s = f64::from(thrustline_core::velocity::HIP_THRUST_MVT_M_S);
        // Wide enough for the points and the estimated maximum, with a tenth to spare.
        let load_max_kg =
            points.iter().map(|p| p.0).chain(fit.map(|p| p.one_rep_max_kg)).fold(1.0, f64::max) * 1.1;
        let velocity_max_m_s =
            points.iter().map(|p| p.1).chain(fit.map(|p| p.intercept)).fold(mvt_m_s, f64::max) * 1.1;
        Some(Self { points, fit, mvt_m_s, load_max_kg, velocity_max_m_s, unit, note })
    }

    /// A load's place across the plot, 0 to 1.
    pub fn x(&self, load_kg: f64) -> f64 {
        (load_kg / self.load_max_kg).clamp(0.0, 1.0)
    }

    /// A velocity's place up the plot, 0 to 1.
    pub fn y(&self, v_m_s: f64) -> f64 {
        (v_m_s / self.velocity_max_m_s).clamp(0.0, 1.0)
    }

    /// The load axis's label at `share` of its length ("45 kg", "100 lb").
    pub fn load_label(&self, share: f64) -> String {
        format!("{:.0} {}", self.unit.from_kg(self.load_max_kg * share), self.unit.symbol())
    }

    /// "1RM N ± M kg" (or lb) when there is a fit.
    pub fn one_rep_max_label(&self) -> Option<String> {
        let u = self.unit;
        self.fit.map(|p| {
            format!(
                "1RM {:.0} \u{b1} {:.0} {}",
                u.from_kg(p.one_rep_max_kg),
                u.from_kg(p.one_rep_max_se_kg),
                u.symbol()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_map_to_the_unit_square_and_a_flat_series_gets_a_band() {
        let s = Scale::of(&[(100, 2.0), (300, 6.0), (200, 4.0)]).unwrap();
        assert_eq!((s.x(100), s.x(200), s.x(300)), (0.0, 0.5, 1.0));
        assert_eq!((s.y(2.0), s.y(4.0), s.y(6.0)), (0.0, 0.5, 1.0));
        let flat = Scale::of(&[(5, 3.0)]).unwrap();
        assert_eq!((flat.x(5), flat.y(3.0), flat.ticks()), (0.5, 0.5, [2.5, 3.0, 3.5]));
        // A 2 % change (60 kg, then 135 lb) spans a fifth of the chart, not all of it.
        let small = Scale::of(&[(0, 60.0), (1, 61.235)]).unwrap();
        assert!((small.y(61.235) - small.y(60.0) - 0.2).abs() < 0.01, "{small:?}");
        assert!(Scale::of(&[]).is_none());
        // Over a wider span the same time sits where it does on every chart of that span.
        let wide = Scale::of(&[(200, 1.0)]).unwrap().spanning((100, 300));
        assert_eq!((wide.x(100), wide.x(200), wide.x(300)), (0.0, 0.5, 1.0));
        // No fault in the one session: the rate's axis starts at zero, not at -1 %.
        let none = Scale::of(&[(5, 0.0)]).unwrap();
        assert_eq!((none.y(0.0), none.ticks()), (0.0, [0.0, 0.5, 1.0]));
        assert_eq!(Scale::of(&[(5, 0.4)]).unwrap().ticks(), [0.0, 0.5, 1.0]);
        assert_eq!(Scale::of(&[(5, -3.0)]).unwrap().ticks(), [-3.5, -3.0, -2.5]);
        assert_eq!(
            (tick_label(4.0, " reps"), tick_label(2.5, "%")),
            ("4 reps".to_string(), "2.5%".to_string())
        );
    }
}
