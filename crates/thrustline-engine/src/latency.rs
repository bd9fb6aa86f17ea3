//! Capture → overlay-ready latency per frame, summarized as percentiles.

use std::time::Duration;

use serde::Serialize;

/// Frames kept for the percentiles: an hour at 30 fps, 432 kB.
const MAX_SAMPLES: usize = 108_000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct LatencyStats {
    pub frames: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl std::fmt::Display for LatencyStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms over {} frames",
            self.p50_ms, self.p99_ms, self.max_ms, self.frames
        )
    }
}

pub struct Recorder {
    ms: Vec<f32>,
}

impl Default for Recorder {
    fn default() -> Self {
        Self::new()
    }
}

impl Recorder {
    pub fn new() -> Self {
        Self { ms: Vec::with_capacity(4096) }
    }

    pub fn add(&mut self, d: Duration) {
        if self.ms.len() < MAX_SAMPLES {
            self.ms.push(d.as_secs_f32() * 1000.0);
        }
    }

    pub fn stats(&self) -> LatencyStats {
        percentiles(&self.ms)
    }
}

/// Nearest-rank percentiles of millisecond samples.
pub fn percentiles(ms: &[f32]) -> LatencyStats {
    if ms.is_empty() {
        return LatencyStats::default();
    }
    let mut v = ms.to_vec();
    v.sort_by(f32::total_cmp);
    let rank = |p: f64| v[((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1] as f64;
    LatencyStats { frames: v.len(), p50_ms: rank(0.50), p99_ms: rank(0.99), max_ms: rank(1.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let ms: Vec<f32> = (1..=100).map(|i| i as f32).collect();
        let s = percentiles(&ms);
        assert_eq!((s.p50_ms, s.p99_ms, s.max_ms, s.frames), (50.0, 99.0, 100.0, 100));
        assert_eq!(percentiles(&[]).frames, 0);
        assert_eq!(percentiles(&[7.0]).p99_ms, 7.0);
    }
}
