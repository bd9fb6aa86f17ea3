//! How many threads run the landmark model, chosen frame by frame from measured times.
//!
//! On free cores, a pool of threads that spin between jobs is fastest (2-core Xeon, `thrustline
//! pose` on hip_thrust_feet_normal: 5.9 ms a frame, against 6.8–7.2 ms sleeping and 8.8 ms on one
//! thread). When another process takes a core, the spinning pool collapses (13.6–15.5 ms: its
//! threads spin on the core the other process needs, and a parked thread holds up every job),
//! while one thread holds at 9.3–10.4 ms. Load comes and goes, so both sessions are kept and
//! each frame runs on the one measured faster lately, re-measuring the other now and then.
//! MLAS splits no reduction across threads, so both give bit-identical landmarks (checked on a
//! whole clip): the choice changes the speed only, never the result.

/// Every this many runs, one goes to the choice not in use, to notice that the load changed:
/// about once a second at 30 fps, costing at most a thirty-second of the difference.
const EXPLORE_EVERY: u64 = 32;
/// Weight of the newest time in the running estimate of the choice in use (about the last five
/// frames: quick to see load arrive, steady over one slow frame).
const EWMA_ALPHA: f64 = 0.2;

/// Which of two sessions to run, and what each has cost lately.
#[derive(Clone, Debug, Default)]
pub struct ThreadChoice {
    /// Milliseconds per run, `None` until measured after a warm-up run.
    estimate_ms: [Option<f64>; 2],
    /// The first run of each session sets up its memory: not a fair time.
    warmed: [bool; 2],
    runs: u64,
    used: [u64; 2],
}

impl ThreadChoice {
    /// For sessions already run once ([`crate::runtime::warm_up`]): every run is timed.
    pub fn warm() -> Self {
        Self { warmed: [true, true], ..Self::default() }
    }

    /// The choice measured faster (the first while unmeasured).
    fn best(&self) -> usize {
        match self.estimate_ms {
            [Some(a), Some(b)] if b < a => 1,
            [Some(_), Some(_)] => 0,
            [None, _] => 0,
            [Some(_), None] => 1,
        }
    }

    /// The session for the next run, and whether it is a look at the other choice.
    pub fn pick(&self) -> (usize, bool) {
        let best = self.best();
        if self.estimate_ms.iter().all(Option::is_some) && self.runs % EXPLORE_EVERY == EXPLORE_EVERY - 1 {
            (1 - best, true)
        } else {
            (best, false)
        }
    }

    /// Records that session `i` took `ms`.
    pub fn record(&mut self, i: usize, ms: f64, explored: bool) {
        self.runs += 1;
        self.used[i] += 1;
        if !self.warmed[i] {
            self.warmed[i] = true;
            return;
        }
        self.estimate_ms[i] = Some(match self.estimate_ms[i] {
            // A look at the other choice replaces its estimate: the old one is stale.
            Some(e) if !explored => e + EWMA_ALPHA * (ms - e),
            _ => ms,
        });
    }

    /// Runs on each session so far.
    pub fn used(&self) -> [u64; 2] {
        self.used
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `n` frames where session `i` costs `cost(i)`; returns the runs on each.
    fn drive(c: &mut ThreadChoice, n: usize, cost: impl Fn(usize) -> f64) -> [u64; 2] {
        let before = c.used();
        for _ in 0..n {
            let (i, explored) = c.pick();
            c.record(i, cost(i), explored);
        }
        let after = c.used();
        [after[0] - before[0], after[1] - before[1]]
    }

    #[test]
    fn follows_the_load_both_ways() {
        let mut c = ThreadChoice::default();
        // Free cores: the spinning pool (0) is faster; nearly every frame runs on it.
        let [pool, one] = drive(&mut c, 320, |i| if i == 0 { 6.0 } else { 9.0 });
        assert!(pool >= 305 && one <= 15, "{pool} {one}");
        // Another process takes a core: the pool collapses, the single thread takes over
        // within a few frames.
        let [pool, one] = drive(&mut c, 320, |i| if i == 0 { 15.0 } else { 10.0 });
        assert!(one >= 300 && pool <= 20, "{pool} {one}");
        // The load goes: back to the pool at the next look.
        let [pool, _] = drive(&mut c, 320, |i| if i == 0 { 6.0 } else { 9.0 });
        assert!(pool >= 280, "{pool}");
    }

    #[test]
    fn a_first_slow_run_does_not_decide() {
        let mut c = ThreadChoice::default();
        // Each session's first run is ten times slower (memory set-up): not counted.
        let mut first = [true, true];
        for _ in 0..64 {
            let (i, explored) = c.pick();
            let ms = if std::mem::take(&mut first[i]) {
                60.0
            } else if i == 0 {
                6.0
            } else {
                9.0
            };
            c.record(i, ms, explored);
        }
        assert_eq!(c.best(), 0);
    }
}
