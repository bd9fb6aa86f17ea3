//! The per-frame update allocates nothing in steady state: only frames that emit an event
//! (a rep counted, a fault raised) may allocate, to store that rep or fault.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

mod common;

struct Counting;
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        System.realloc(p, l, n)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn frames_without_events_do_not_allocate() {
    let Some(shared) = common::shared_dir() else { return };
    let r = common::load(&shared, "glute_bridge_dumbbell_6reps.mp4", false);
    let poses: Vec<_> = r.frames.iter().map(|f| f.lm.as_deref().map(common::to_pose)).collect();
    let mut a = thrustline_core::Analyzer::new(
        thrustline_core::Thresholds::default(),
        thrustline_core::FrameGeometry { width: r.width, height: r.height },
    );
    let (mut quiet_frames, mut quiet_allocs) = (0, 0);
    for (f, p) in r.frames.iter().zip(&poses) {
        let before = ALLOCS.load(Ordering::Relaxed);
        let fa = a.update(f.t, p.as_ref());
        let n = ALLOCS.load(Ordering::Relaxed) - before;
        if fa.events.is_empty() {
            quiet_frames += 1;
            quiet_allocs += n;
        }
    }
    assert!(quiet_frames > 300);
    assert_eq!(quiet_allocs, 0, "allocations on frames without events");
}
