//! Thrustline's kinematics core: per-frame hip-thrust metrics, a rep state machine, the
//! article's faults with plain-language cues, and the set/session model. Pure: no I/O.

pub mod analyzer;
pub mod calendar;
pub mod config;
pub mod landmarks;
pub mod mask;
pub mod metrics;
pub mod session;
pub mod setup;
pub mod units;
pub mod velocity;

pub use analyzer::{Analyzer, Event, Events, FrameAnalysis, Phase};
pub use config::{ConfigError, Thresholds};
pub use landmarks::{FrameGeometry, Landmark, PoseObservation, CONNECTIONS, NUM_LANDMARKS};
pub use mask::SegmentationMask;
pub use metrics::{FrameMetrics, Metric, Side};
pub use session::{
    warning_message, CameraView, Evidence, Fault, FaultCount, FaultId, Judgement, LookAlikeReason, Lowering,
    NotJudgedReason, PartialRep, Rep, RepMetrics, SessionSummary, SetSummary, Severity, Tempo, Variation,
    VelocityScale, Verdict, Warning,
};
pub use setup::{SetupCheck, SetupIssue, SetupSummary};
