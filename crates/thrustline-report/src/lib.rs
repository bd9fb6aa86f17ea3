//! Thrustline's outputs: the session model on disk (`session.json`, shared by the analyzer,
//! the live app, review mode and the training log) and the reports a coach reads.

pub mod atomic;
pub mod bundle;
pub mod draw;
pub mod folder;
pub mod frames;
pub mod h264;
pub mod html;
pub mod session;
pub mod share;
pub mod table;
pub mod video;

pub use session::{InputMeta, ModelMeta, Session, SCHEMA_VERSION};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("image: {0}")]
    Image(String),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
}

impl From<opencv::Error> for ReportError {
    fn from(e: opencv::Error) -> Self {
        ReportError::Image(e.message)
    }
}
