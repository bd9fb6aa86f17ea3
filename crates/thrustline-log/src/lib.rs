//! The training log: every analyzed or recorded session in a local SQLite database, the
//! history, and the guidance of the article the product is built on (rep ranges, frequency,
//! rest, load progression).

pub mod guidance;
pub mod html;

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

pub use guidance::{Goal, Guidance};

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("training log {path}: {source}")]
    Db { path: String, source: rusqlite::Error },
    #[error("training log {0}: written by a newer Thrustline (schema {1}); update Thrustline")]
    TooNew(String, i64),
    #[error("cannot create {0}: {1}")]
    Dir(String, std::io::Error),
}

/// One logged session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: i64,
    pub recorded_unix_s: i64,
    pub source: String,
    pub variation: String,
    pub load_kg: Option<f64>,
    pub sets: u32,
    /// Reps per set, in order.
    pub reps_per_set: Vec<u32>,
    pub reps: u32,
    pub partials: u32,
    pub clean_reps: u32,
    pub mean_lockout_angle: Option<f64>,
    /// Fault id → number of reps it hit, sorted by id.
    pub faults: Vec<(String, u32)>,
}

impl Entry {
    pub fn clean_ratio(&self) -> Option<f64> {
        (self.reps > 0).then(|| f64::from(self.clean_reps) / f64::from(self.reps))
    }
}

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &["CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        recorded_unix_s INTEGER NOT NULL,
        source TEXT NOT NULL,
        variation TEXT NOT NULL,
        load_kg REAL,
        sets INTEGER NOT NULL,
        reps_per_set TEXT NOT NULL,
        reps INTEGER NOT NULL,
        partials INTEGER NOT NULL,
        clean_reps INTEGER NOT NULL,
        mean_lockout_angle REAL,
        faults TEXT NOT NULL
    );
    CREATE INDEX sessions_time ON sessions(recorded_unix_s);
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"];

/// The data directory: `THRUSTLINE_DATA`, else `$XDG_DATA_HOME/thrustline`, else
/// `~/.local/share/thrustline`.
pub fn data_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("THRUSTLINE_DATA") {
        return PathBuf::from(p);
    }
    if let Some(p) = std::env::var_os("XDG_DATA_HOME") {
        return PathBuf::from(p).join("thrustline");
    }
    std::env::var_os("HOME")
        .map_or_else(|| PathBuf::from(".thrustline"), |h| PathBuf::from(h).join(".local/share/thrustline"))
}

pub struct TrainingLog {
    conn: Connection,
    path: String,
}

impl TrainingLog {
    /// Opens (creating and migrating) the log in `dir`.
    pub fn open_in(dir: &Path) -> Result<Self, LogError> {
        std::fs::create_dir_all(dir).map_err(|e| LogError::Dir(dir.display().to_string(), e))?;
        let path = dir.join("training_log.sqlite3");
        let p = path.display().to_string();
        let db = |source| LogError::Db { path: p.clone(), source };
        let mut conn = Connection::open(&path).map_err(db)?;
        // WAL: readers never block the writer, and a crash mid-write never corrupts the log.
        conn.pragma_update(None, "journal_mode", "WAL").map_err(db)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(db)?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(db)?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(db)?;
        if version > MIGRATIONS.len() as i64 {
            return Err(LogError::TooNew(p, version));
        }
        for (i, m) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn.transaction().map_err(db)?;
            tx.execute_batch(m).map_err(db)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64).map_err(db)?;
            tx.commit().map_err(db)?;
        }
        Ok(Self { conn, path: p })
    }

    fn err(&self, source: rusqlite::Error) -> LogError {
        LogError::Db { path: self.path.clone(), source }
    }

    /// Adds a session in one transaction; returns its id.
    pub fn add(&mut self, e: &Entry) -> Result<i64, LogError> {
        let faults = serde_json::to_string(&e.faults).unwrap_or_else(|_| "[]".into());
        let sets = serde_json::to_string(&e.reps_per_set).unwrap_or_else(|_| "[]".into());
        let tx = self.conn.transaction().map_err(|s| LogError::Db { path: self.path.clone(), source: s })?;
        tx.execute(
            "INSERT INTO sessions (recorded_unix_s, source, variation, load_kg, sets, reps_per_set, reps, partials,
                                   clean_reps, mean_lockout_angle, faults)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                e.recorded_unix_s,
                e.source,
                e.variation,
                e.load_kg,
                e.sets,
                sets,
                e.reps,
                e.partials,
                e.clean_reps,
                e.mean_lockout_angle,
                faults
            ],
        )
        .map_err(|s| LogError::Db { path: self.path.clone(), source: s })?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(|s| LogError::Db { path: self.path.clone(), source: s })?;
        Ok(id)
    }

    /// All sessions, oldest first.
    pub fn entries(&self) -> Result<Vec<Entry>, LogError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT id, recorded_unix_s, source, variation, load_kg, sets, reps_per_set, reps, partials,
                        clean_reps, mean_lockout_angle, faults FROM sessions ORDER BY recorded_unix_s, id",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| {
                let sets_json: String = r.get(6)?;
                let faults_json: String = r.get(11)?;
                Ok(Entry {
                    id: r.get(0)?,
                    recorded_unix_s: r.get(1)?,
                    source: r.get(2)?,
                    variation: r.get(3)?,
                    load_kg: r.get(4)?,
                    sets: r.get(5)?,
                    reps_per_set: serde_json::from_str(&sets_json).unwrap_or_default(),
                    reps: r.get(7)?,
                    partials: r.get(8)?,
                    clean_reps: r.get(9)?,
                    mean_lockout_angle: r.get(10)?,
                    faults: serde_json::from_str(&faults_json).unwrap_or_default(),
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    pub fn goal(&self) -> Result<Goal, LogError> {
        let v: Option<String> = self
            .conn
            .query_row("SELECT value FROM settings WHERE key = 'goal'", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(v.and_then(|s| s.parse().ok()).unwrap_or_default())
    }

    pub fn set_goal(&mut self, g: Goal) -> Result<(), LogError> {
        self.conn
            .execute(
                "INSERT INTO settings (key, value) VALUES ('goal', ?1) ON CONFLICT(key) DO UPDATE SET value = ?1",
                params![g.name()],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }
}

/// A log entry from an analyzed session.
pub fn entry_from(
    summary_reps: &[thrustline_core::Rep],
    sets: &[thrustline_core::SetSummary],
    partials: usize,
    variation: thrustline_core::Variation,
    load_kg: Option<f64>,
    source: &str,
    recorded_unix_s: i64,
) -> Entry {
    let mut faults: std::collections::BTreeMap<String, u32> = std::collections::BTreeMap::new();
    for r in summary_reps {
        for f in &r.faults {
            *faults.entry(f.id.as_str().to_string()).or_default() += 1;
        }
    }
    let lockouts: Vec<f64> = summary_reps.iter().map(|r| f64::from(r.metrics.lockout_hip_angle)).collect();
    Entry {
        id: 0,
        recorded_unix_s,
        source: source.to_string(),
        variation: serde_json::to_value(variation)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        load_kg,
        sets: sets.len() as u32,
        reps_per_set: sets.iter().map(|s| s.reps).collect(),
        reps: summary_reps.len() as u32,
        partials: partials as u32,
        clean_reps: summary_reps.iter().filter(|r| r.is_clean()).count() as u32,
        mean_lockout_angle: (!lockouts.is_empty())
            .then(|| lockouts.iter().sum::<f64>() / lockouts.len() as f64),
        faults: faults.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("thrustline-log-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    fn entry(t: i64, load: f64, reps: u32, clean: u32) -> Entry {
        Entry {
            id: 0,
            recorded_unix_s: t,
            source: "test".into(),
            variation: "barbell".into(),
            load_kg: Some(load),
            sets: 1,
            reps_per_set: vec![reps],
            reps,
            partials: 0,
            clean_reps: clean,
            mean_lockout_angle: Some(170.0),
            faults: vec![("no_top_squeeze".into(), reps - clean)],
        }
    }

    #[test]
    fn sessions_round_trip_and_survive_reopening() {
        let d = tmp("roundtrip");
        let mut log = TrainingLog::open_in(&d).unwrap();
        log.add(&entry(100, 60.0, 8, 7)).unwrap();
        log.add(&entry(50, 55.0, 10, 10)).unwrap();
        log.set_goal(Goal::Strength).unwrap();
        drop(log);
        let log = TrainingLog::open_in(&d).unwrap();
        let e = log.entries().unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].recorded_unix_s, 50, "oldest first");
        assert_eq!(e[1].faults, vec![("no_top_squeeze".to_string(), 1)]);
        assert_eq!(log.goal().unwrap(), Goal::Strength);
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_newer_schema_is_refused_not_overwritten() {
        let d = tmp("newer");
        drop(TrainingLog::open_in(&d).unwrap());
        let c = Connection::open(d.join("training_log.sqlite3")).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        drop(c);
        assert!(matches!(TrainingLog::open_in(&d), Err(LogError::TooNew(_, 99))));
        let _ = std::fs::remove_dir_all(&d);
    }
}
