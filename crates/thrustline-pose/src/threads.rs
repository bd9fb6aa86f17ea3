//! How many threads run the landmark model, chosen frame by frame from measured times.
//!
//! On free cores, a pool of threads that spin between jobs is fastest (2-core Xeon, `thrustline
//! pose` on hip_thrust_feet_normal: 5.9 ms a frame, against 6.8–7.2 ms sleeping and 8.8 ms on one
//! thread). When another process takes a core, the spinning pool collapses (13.6–15.5 ms: its
//! threads spin on the core the other process needs, and a parked thread holds up every job),
//! while one thread holds at 9.3–10.4 ms. Beside a second `thrustline analyze` (two pools on two
//! cores) the one thread still gives 17–18 ms against the pool's 24–32 (AMD EPYC, 2026-12-06).
//! Load comes and goes, so once both sessions are loaded each frame runs on the one measured
//! faster lately, re-measuring the other now and then. Both give bit-identical landmarks (MLAS
//! and OpenVINO's CPU plugin split no reduction across threads; checked on whole clips): the
//! choice changes the speed only, never the result.
//!
//! The one-thread session is loaded only once another process is seen taking CPU
//! ([`OtherLoad`]): on free cores it ran 13 of 399 frames (its re-measuring looks), and
//! compiling it cost every job 0.15–0.25 s of start-up (README, Speed).

use std::time::{Duration, Instant};

/// Every this many runs, one goes to the choice not in use, to notice that the load changed:
/// about once a second at 30 fps, costing at most a thirty-second of the difference.
const EXPLORE_EVERY: u64 = 32;
/// Weight of the newest time in the running estimate of the choice in use (about the last five
/// frames: quick to see load arrive, steady over one slow frame).
const EWMA_ALPHA: f64 = 0.2;

/// Other processes' CPU use, in cores, from which the one-thread session is loaded: idle, this
/// 2-core machine reads 0.00–0.02 between our own runs; one process spinning reads 1.00–1.04
/// (`benches/load.py busy-core`, half-second windows). A quarter core is well above the first
/// and catches lighter load (a browser, music) that still parks a pool thread now and then.
const OTHER_LOAD_CORES: f64 = 0.25;
/// Shortest window the load is read over: /proc's counters tick at 100 Hz, so a quarter second
/// holds 50 ticks on 2 cores, and the first reading falls on the first frame after the models
/// have loaded (0.5–0.8 s).
const LOAD_WINDOW: Duration = Duration::from_millis(250);

/// Reads how much CPU other processes take (Linux: `/proc/stat` less this process's own time).
#[derive(Debug)]
pub struct OtherLoad {
    at: Instant,
    /// All CPUs' ticks, their busy ticks, and this process's ticks at `at`.
    ticks: (u64, u64, u64),
    cpus: f64,
}

/// All CPUs' ticks and their busy ticks (`/proc/stat`'s first line: user nice system idle
/// iowait irq softirq steal; guest time is inside user), and the number of CPUs.
fn cpu_ticks() -> Option<(u64, u64, f64)> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    let mut lines = text.lines();
    let first = lines.next()?;
    let v: Vec<u64> = first.split_whitespace().skip(1).take(8).map_while(|x| x.parse().ok()).collect();
    if first.split_whitespace().next() != Some("cpu") || v.len() < 5 {
        return None;
    }
    let total: u64 = v.iter().sum();
    let cpus = lines.filter(|l| l.starts_with("cpu")).count().max(1) as f64;
    Some((total, total - v[3] - v[4], cpus))
}

/// This process's user and system ticks (`/proc/self/stat`, fields 14 and 15; the command
/// name before them may hold spaces, so fields are counted from its closing parenthesis).
fn own_ticks() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = &text[text.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

impl OtherLoad {
    /// `None` where the counters cannot be read (not Linux): the caller loads eagerly.
    pub fn new() -> Option<Self> {
        let (total, busy, cpus) = cpu_ticks()?;
        Some(Self { at: Instant::now(), ticks: (total, busy, own_ticks()?), cpus })
    }

    /// Cores other processes used since the last reading, once a window has passed.
    pub fn poll(&mut self) -> Option<f64> {
        if self.at.elapsed() < LOAD_WINDOW {
            return None;
        }
        let (total, busy, _) = cpu_ticks()?;
        let own = own_ticks()?;
        let (t0, b0, o0) = std::mem::replace(&mut self.ticks, (total, busy, own));
        self.at = Instant::now();
        let dt = total.saturating_sub(t0);
        (dt > 0).then(|| {
            let others = busy.saturating_sub(b0).saturating_sub(own.saturating_sub(o0));
            others as f64 / dt as f64 * self.cpus
        })
    }

    /// Whether other processes took [`OTHER_LOAD_CORES`] or more over the window just read.
    pub fn taken(&mut self) -> bool {
        self.poll().is_some_and(|cores| cores >= OTHER_LOAD_CORES)
    }
}

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
    fn other_load_reads_a_spinning_process() {
        let Some(mut load) = OtherLoad::new() else { return };
        // Idle apart from the test harness: our own spinning is not "other".
        let until = Instant::now() + LOAD_WINDOW + Duration::from_millis(50);
        let mut x = 0u64;
        while Instant::now() < until {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        // A whole core of our own spinning, less than a core read as others'.
        let own = load.poll();
        assert!(x != 1 && own.is_some_and(|c| c < 0.9), "{own:?}");
        // Another process spinning for the window reads about one core.
        let Ok(mut child) = std::process::Command::new("sh").args(["-c", "while :; do :; done"]).spawn()
        else {
            return;
        };
        std::thread::sleep(LOAD_WINDOW + Duration::from_millis(100));
        let busy = load.poll();
        let _ = child.kill();
        let _ = child.wait();
        assert!(busy.is_some_and(|c| c >= OTHER_LOAD_CORES), "{busy:?}");
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
