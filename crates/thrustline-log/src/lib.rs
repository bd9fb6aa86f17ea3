//! The training log: every analyzed or recorded session in a local SQLite database, the
//! history, and the guidance of the article the product is built on (rep ranges, frequency,
//! rest, load progression).

pub mod guidance;
pub mod html;
pub mod text;

use std::path::{Path, PathBuf};
use thrustline_core::units::LoadUnit;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

pub use guidance::{Goal, Guidance};

pub mod chart;

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("training log {path}: {source}")]
    Db { path: String, source: rusqlite::Error },
    #[error("training log {0}: written by a newer Thrustline (schema {1}); update Thrustline")]
    TooNew(String, i64),
    #[error("cannot create {0}: {1}")]
    Dir(String, std::io::Error),
    #[error("training log {0} is damaged ({1}); move it aside to start a new one")]
    Damaged(String, String),
    #[error("training log {0} is from an older Thrustline; open it once with write access to update it")]
    NeedsUpgrade(String),
}

/// One logged session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: i64,
    pub recorded_unix_s: i64,
    pub source: String,
    pub variation: String,
    pub load_kg: Option<f64>,
    /// The unit the load was given in (shown in it); `None` in entries before it was kept.
    #[serde(default)]
    pub load_unit: Option<thrustline_core::units::LoadUnit>,
    pub sets: u32,
    /// Reps per set, in order.
    pub reps_per_set: Vec<u32>,
    pub reps: u32,
    pub partials: u32,
    pub clean_reps: u32,
    /// Reps whose form the camera showed (`Rep::form_seen`); `None` in entries logged before
    /// it was kept, read as every rep. A rep not judged is neither clean nor faulty.
    #[serde(default)]
    pub judged_reps: Option<u32>,
    pub mean_lockout_angle: Option<f64>,
    /// Fault id → number of reps it hit, sorted by id.
    pub faults: Vec<(String, u32)>,
    /// The session's fastest set, by its fastest rep's mean concentric velocity (m/s): with the
    /// load, a point of the lifter's load–velocity profile.
    #[serde(default)]
    pub best_mean_velocity_m_s: Option<f64>,
    /// What makes two entries one workout (the video's sha256, a live session's folder): a
    /// re-analysis replaces its entry instead of adding another.
    #[serde(default)]
    pub workout: Option<String>,
}

/// The unit the lifter loads in now: the latest entry with a load's (kilograms by default).
pub fn current_load_unit(entries: &[Entry]) -> LoadUnit {
    entries.iter().rev().find(|e| e.load_kg.is_some()).and_then(|e| e.load_unit).unwrap_or_default()
}

impl Entry {
    /// Clean reps over the reps judged; `None` when none was (an angle or a plate hid every
    /// rep's form: "0 % clean" would read as every rep faulty).
    pub fn clean_ratio(&self) -> Option<f64> {
        let judged = self.judged();
        (judged > 0).then(|| f64::from(self.clean_reps) / f64::from(judged))
    }

    /// Reps whose form was judged.
    pub fn judged(&self) -> u32 {
        self.judged_reps.unwrap_or(self.reps).min(self.reps)
    }

    /// The variation in words ("hip thrust", "glute bridge"), not its id.
    pub fn variation_words(&self) -> String {
        self.variation.replace('-', " ")
    }

    /// Each fault with its count in the report's words ("feet too close x2"); an id this
    /// version does not know, as it is.
    pub fn fault_words(&self) -> Vec<String> {
        self.faults
            .iter()
            .map(|(id, n)| {
                let words = thrustline_core::FaultId::ALL
                    .iter()
                    .find(|f| f.as_str() == id)
                    .map_or_else(|| id.to_string(), |f| f.label().to_string());
                format!("{words} x{n}")
            })
            .collect()
    }
}

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE sessions (
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
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    "ALTER TABLE sessions ADD COLUMN best_mean_velocity_m_s REAL;",
    "ALTER TABLE sessions ADD COLUMN workout TEXT;
     CREATE INDEX sessions_workout ON sessions(workout);",
    "ALTER TABLE sessions ADD COLUMN judged_reps INTEGER;",
    "ALTER TABLE sessions ADD COLUMN load_unit TEXT;",
];

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

/// Pause between attempts of a first open that lost a race.
const RETRY_PAUSE: std::time::Duration = std::time::Duration::from_millis(20);
/// How long an open waits for another process holding the log (a concurrent first open).
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// `PRAGMA quick_check`: a damaged log is reported, never written to.
fn check_integrity(conn: &Connection, path: &str) -> Result<(), LogError> {
    let verdict: Result<String, rusqlite::Error> = conn.query_row("PRAGMA quick_check", [], |r| r.get(0));
    match verdict {
        Ok(v) if v == "ok" => Ok(()),
        // SQLite heads its findings with "*** in database main ***": the finding is below.
        Ok(v) => {
            let finding = v.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with("***"));
            Err(LogError::Damaged(path.to_string(), finding.unwrap_or("integrity check failed").to_string()))
        }
        // A check that could not run (no permission, a locked file) says nothing of damage.
        Err(e) => Err(damaged_or(e, path)),
    }
}

/// A path as an SQLite URI's path: `%`, `?` and `#` escaped (they end or encode the path).
fn uri_path(p: &Path) -> String {
    let s = p.display().to_string();
    s.replace('%', "%25").replace('?', "%3f").replace('#', "%23")
}

/// A corrupt file is `Damaged` (with SQLite's words), anything else a database error.
fn damaged_or(source: rusqlite::Error, path: &str) -> LogError {
    let corrupt = matches!(
        source.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    );
    if corrupt {
        LogError::Damaged(path.to_string(), sqlite_words(&source))
    } else {
        LogError::Db { path: path.to_string(), source }
    }
}

/// SQLite's own words for an error, without the Rust debug wrapping.
fn sqlite_words(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(_, Some(m)) => m.clone(),
        other => other.to_string(),
    }
}

pub struct TrainingLog {
    conn: Connection,
    path: String,
}

impl TrainingLog {
    /// Opens (creating and migrating) the log in `dir`. A first open racing another process's
    /// (the WAL switch and the schema both want the file alone) is retried until it wins.
    pub fn open_in(dir: &Path) -> Result<Self, LogError> {
        let start = std::time::Instant::now();
        loop {
            match Self::try_open(dir) {
                Err(LogError::Db { source, .. })
                    if start.elapsed() < BUSY_TIMEOUT
                        && matches!(
                            source.sqlite_error_code(),
                            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                        ) =>
                {
                    std::thread::sleep(RETRY_PAUSE);
                }
                other => return other,
            }
        }
    }

    fn try_open(dir: &Path) -> Result<Self, LogError> {
        std::fs::create_dir_all(dir).map_err(|e| LogError::Dir(dir.display().to_string(), e))?;
        let path = dir.join("training_log.sqlite3");
        let p = path.display().to_string();
        let db = |source| damaged_or(source, &p);
        let mut conn = Connection::open(&path).map_err(db)?;
        // Before anything else: a second process opening the log at the same moment waits.
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db)?;
        // WAL: readers never block the writer, and a crash mid-write never corrupts the log.
        conn.pragma_update(None, "journal_mode", "WAL").map_err(db)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(db)?;
        check_integrity(&conn, &p)?;
        // All migrations in one write transaction taken up front (BEGIN IMMEDIATE), the version
        // read inside it: two first opens at once run them once, never twice.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
        let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(db)?;
        if version > MIGRATIONS.len() as i64 {
            return Err(LogError::TooNew(p, version));
        }
        if version < MIGRATIONS.len() as i64 {
            for m in MIGRATIONS.iter().skip(version as usize) {
                tx.execute_batch(m).map_err(db)?;
            }
            tx.pragma_update(None, "user_version", MIGRATIONS.len() as i64).map_err(db)?;
        }
        tx.commit().map_err(db)?;
        Ok(Self { conn, path: p })
    }

    /// The log for reading, `None` when there is none yet: read-only (a read-only or full disk
    /// still shows it), except that a log from before a migration is brought up to date when it
    /// can be written.
    pub fn open_current(dir: &Path) -> Result<Option<Self>, LogError> {
        match Self::open_read_only(dir) {
            Err(e @ LogError::NeedsUpgrade(_)) => Ok(Some(Self::open_in(dir).map_err(|_| e)?)),
            other => other,
        }
    }

    /// Opens the log in `dir` only to read it (`thrustline log` on a read-only or full disk):
    /// no migration, no write. `None` when there is no log yet.
    pub fn open_read_only(dir: &Path) -> Result<Option<Self>, LogError> {
        let path = dir.join("training_log.sqlite3");
        if !path.is_file() {
            return Ok(None);
        }
        let p = path.display().to_string();
        let db = |source| damaged_or(source, &p);
        let wal = dir.join("training_log.sqlite3-wal");
        let pending = std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0);
        let conn = if pending {
            // Changes still in the WAL need its index (-shm), which SQLite shares with writers.
            Connection::open_with_flags(
                &path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
        } else {
            // Everything is in the main file: read it as immutable, which creates no -shm or
            // -wal beside it (a read-only folder stays untouched, and no read-only -shm is left
            // to block a later writer).
            Connection::open_with_flags(
                format!("file:{}?immutable=1", uri_path(&path)),
                OpenFlags::SQLITE_OPEN_READ_ONLY
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX
                    | OpenFlags::SQLITE_OPEN_URI,
            )
        }
        .map_err(db)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db)?;
        check_integrity(&conn, &p)?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(db)?;
        if version > MIGRATIONS.len() as i64 {
            return Err(LogError::TooNew(p, version));
        }
        if version < MIGRATIONS.len() as i64 {
            // An older log that only a writer can bring up to date.
            return Err(LogError::NeedsUpgrade(p));
        }
        Ok(Some(Self { conn, path: p }))
    }

    fn err(&self, source: rusqlite::Error) -> LogError {
        LogError::Db { path: self.path.clone(), source }
    }

    /// Adds a session in one transaction; returns its id.
    pub fn add(&mut self, e: &Entry) -> Result<i64, LogError> {
        let faults = serde_json::to_string(&e.faults).unwrap_or_else(|_| "[]".into());
        let sets = serde_json::to_string(&e.reps_per_set).unwrap_or_else(|_| "[]".into());
        let tx = self.conn.transaction().map_err(|s| LogError::Db { path: self.path.clone(), source: s })?;
        if let Some(w) = &e.workout {
            tx.execute("DELETE FROM sessions WHERE workout = ?1", params![w])
                .map_err(|s| LogError::Db { path: self.path.clone(), source: s })?;
        }
        tx.execute(
            "INSERT INTO sessions (recorded_unix_s, source, variation, load_kg, sets, reps_per_set, reps, partials,
                                   clean_reps, mean_lockout_angle, faults, best_mean_velocity_m_s, workout,
                                   judged_reps, load_unit)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
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
                faults,
                e.best_mean_velocity_m_s,
                e.workout,
                e.judged_reps,
                e.load_unit.map(LoadUnit::symbol)
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
                        clean_reps, mean_lockout_angle, faults, best_mean_velocity_m_s, workout, judged_reps,
                        load_unit
                 FROM sessions ORDER BY recorded_unix_s, id",
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
                    best_mean_velocity_m_s: r.get(12)?,
                    workout: r.get(13)?,
                    judged_reps: r.get(14)?,
                    load_unit: r.get::<_, Option<String>>(15)?.map(|u| LoadUnit::from_symbol(&u)),
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    fn setting(&self, key: &str) -> Result<Option<String>, LogError> {
        self.conn
            .query_row("SELECT value FROM settings WHERE key = ?1", params![key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    fn set_setting(&mut self, key: &str, value: &str) -> Result<(), LogError> {
        self.conn
            .execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
                params![key, value],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    pub fn goal(&self) -> Result<Goal, LogError> {
        Ok(self.setting("goal")?.and_then(|s| s.parse().ok()).unwrap_or_default())
    }

    pub fn set_goal(&mut self, g: Goal) -> Result<(), LogError> {
        self.set_setting("goal", g.name())
    }

    /// The lifter's height in metres, as last given (`--height`): velocities are scaled to it
    /// in later sessions too.
    pub fn lifter_height_m(&self) -> Result<Option<f32>, LogError> {
        Ok(self.setting("lifter_height_m")?.and_then(|s| s.parse().ok()))
    }

    pub fn set_lifter_height_m(&mut self, metres: f32) -> Result<(), LogError> {
        self.set_setting("lifter_height_m", &format!("{metres:.3}"))
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
    // The lockout the progress chart follows: reps whose hips were seen (a plate or an angle
    // leaves the landmarks' guess, which would move the line with the camera).
    let lockouts: Vec<f64> = summary_reps
        .iter()
        .filter(|r| r.form_seen())
        .map(|r| f64::from(r.metrics.lockout_hip_angle))
        .collect();
    Entry {
        id: 0,
        recorded_unix_s,
        source: source.to_string(),
        variation: serde_json::to_value(variation)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        load_kg,
        load_unit: None,
        sets: sets.len() as u32,
        reps_per_set: sets.iter().map(|s| s.reps).collect(),
        reps: summary_reps.len() as u32,
        partials: partials as u32,
        clean_reps: thrustline_core::session::clean_reps(summary_reps) as u32,
        judged_reps: Some(summary_reps.iter().filter(|r| r.form_seen()).count() as u32),
        mean_lockout_angle: (!lockouts.is_empty())
            .then(|| lockouts.iter().sum::<f64>() / lockouts.len() as f64),
        faults: faults.into_iter().collect(),
        best_mean_velocity_m_s: sets
            .iter()
            .filter_map(|s| s.best_mean_velocity_m_s)
            .reduce(f32::max)
            .map(f64::from),
        workout: None,
    }
}

/// Seconds since the Unix epoch, the log's clock (0 on a clock set before it).
pub fn now_unix() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// `given` kept in the log's settings in `dir`, or, not given, the height kept there before. The
/// log is a convenience here: when it cannot be read or written the session goes on without it.
pub fn remembered_height_m(dir: &Path, given: Option<f32>) -> Option<f32> {
    match given {
        Some(h) => {
            if let Err(e) = TrainingLog::open_in(dir).and_then(|mut l| l.set_lifter_height_m(h)) {
                tracing::warn!("your height is used but not kept for later sessions: {e}");
            }
            Some(h)
        }
        None => {
            TrainingLog::open_read_only(dir).ok().flatten().and_then(|l| l.lifter_height_m().ok().flatten())
        }
    }
}

/// Share of the one-rep maximum a goal's rep range is lifted at (NSCA's %1RM–repetitions
/// table, Baechle and Earle 2008: 3 reps 93 %, 5 reps 87 %, 8 reps 80 %, 12 reps 67 %).
pub fn one_rep_max_share(goal: Goal) -> (f64, f64) {
    match goal {
        Goal::Strength => (0.87, 0.93),
        Goal::Hypertrophy => (0.67, 0.80),
    }
}

/// The lifter's load–velocity profile from the logged sessions with a load and a velocity:
/// the one-rep maximum where the fit reaches the hip thrust's velocity at 1RM (0.25 m/s).
/// `None` under three such sessions over two loads.
pub fn load_velocity_profile(entries: &[Entry]) -> Option<thrustline_core::velocity::LoadVelocity> {
    profile_fit(&profile_points(entries))
}

/// The heaviest load logged, kg (0 without one).
pub fn heaviest_kg(entries: &[Entry]) -> f64 {
    entries.iter().filter_map(|e| e.load_kg).fold(0.0f64, f64::max)
}

/// Whether a fitted profile can be believed: one that puts the one-rep max under a load
/// already lifted does not fit yet (too few loads, or reps not all at full speed). The terminal,
/// the page and the window all say so in its place.
pub fn profile_fits(p: &thrustline_core::velocity::LoadVelocity, entries: &[Entry]) -> bool {
    p.one_rep_max_kg >= heaviest_kg(entries)
}

/// What to say in place of a profile that does not fit ([`profile_fits`]), its loads in `unit`:
/// the terminal's line and the page's and window's note are this one sentence.
pub fn profile_unfit_note(
    p: &thrustline_core::velocity::LoadVelocity,
    entries: &[Entry],
    unit: thrustline_core::units::LoadUnit,
) -> String {
    let u = unit.symbol();
    format!(
        "does not fit yet (it puts your one-rep max at {:.0} {u}, under the {:.0} {u} you lifted); log more sessions",
        unit.from_kg(p.one_rep_max_kg),
        unit.from_kg(heaviest_kg(entries)),
    )
}

/// (load kg, best set mean velocity m/s) of each session that has both.
pub fn profile_points(entries: &[Entry]) -> Vec<(f64, f64)> {
    entries.iter().filter_map(|e| Some((e.load_kg?, e.best_mean_velocity_m_s?))).collect()
}

/// What to say where sessions with a load and a velocity made no profile at all: too few, all
/// at one load, or speeds that do not fall as the load goes up (the window and page had drawn
/// the points with no word of why no line went through them). `None` without such a session
/// or with a fit.
pub fn profile_missing_note(entries: &[Entry]) -> Option<String> {
    let points = profile_points(entries);
    if points.is_empty() || profile_fit(&points).is_some() {
        return None;
    }
    let first = points[0].0;
    let loads_differ = points.iter().any(|p| (p.0 - first).abs() > 1e-6);
    Some(if points.len() < 3 || !loads_differ {
        format!(
            "none yet (it needs 3 sessions with a load and a velocity, at different loads: {} so far)",
            points.len()
        )
    } else {
        "none yet (your best speeds do not fall as the load goes up; every rep at full speed makes one): log more sessions".to_string()
    })
}

/// The profile fitted to those points, the one-rep max at the hip thrust's velocity at 1RM.
pub fn profile_fit(points: &[(f64, f64)]) -> Option<thrustline_core::velocity::LoadVelocity> {
    thrustline_core::velocity::load_velocity(points, f64::from(thrustline_core::velocity::HIP_THRUST_MVT_M_S))
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
            load_unit: None,
            judged_reps: None,
            mean_lockout_angle: Some(170.0),
            faults: vec![("no_top_squeeze".into(), reps - clean)],
            best_mean_velocity_m_s: None,
            workout: None,
        }
    }

    #[test]
    fn a_log_from_before_the_velocity_column_is_migrated_and_keeps_its_sessions() {
        let d = tmp("v1");
        std::fs::create_dir_all(&d).unwrap();
        {
            let c = Connection::open(d.join("training_log.sqlite3")).unwrap();
            c.execute_batch(MIGRATIONS[0]).unwrap();
            c.execute_batch(
                "INSERT INTO sessions VALUES (1, 1760000000, 'old.mp4', 'barbell', 60, 1, '[5]', 5, 0, 5, 171.0, '[]');
                 PRAGMA user_version = 1;",
            )
            .unwrap();
        }
        // Read-only, it asks for an upgrade; a writer brings it up to date, the session intact.
        assert!(matches!(TrainingLog::open_read_only(&d), Err(LogError::NeedsUpgrade(_))));
        let log = TrainingLog::open_in(&d).unwrap();
        let es = log.entries().unwrap();
        assert_eq!(
            (es.len(), es[0].load_kg, es[0].reps, es[0].best_mean_velocity_m_s),
            (1, Some(60.0), 5, None)
        );
        drop(log);
        assert!(TrainingLog::open_read_only(&d).unwrap().is_some());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_generated_history_at_several_loads_gives_the_one_rep_max() {
        // Sessions at 40–100 kg whose fastest reps follow v = 1.2 − 0.008 · load with a
        // ±0.02 m/s wobble: the 1RM at 0.25 m/s is 118.75 kg.
        let wobble = [0.02, -0.015, 0.01, -0.02, 0.015, -0.01, 0.005, -0.005];
        let mut es = Vec::new();
        for (i, load) in [40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0, 60.0].iter().enumerate() {
            let mut e = entry(i as i64 * 86_400, *load, 8, 8);
            e.best_mean_velocity_m_s = Some(1.2 - 0.008 * load + wobble[i]);
            es.push(e);
        }
        let p = load_velocity_profile(&es).unwrap();
        assert!((p.one_rep_max_kg / 118.75 - 1.0).abs() < 0.05, "{p:?}");
        assert!(p.one_rep_max_se_kg > 0.0 && p.one_rep_max_se_kg < 10.0, "{p:?}");
        // Two sessions are not a profile.
        assert!(load_velocity_profile(&es[..2]).is_none());
        // Through the log itself: stored and read back.
        let d = tmp("profile");
        let mut log = TrainingLog::open_in(&d).unwrap();
        for e in &es {
            log.add(e).unwrap();
        }
        let back = log.entries().unwrap();
        assert_eq!(load_velocity_profile(&back), Some(p));
        let _ = std::fs::remove_dir_all(&d);
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

    /// Issue 12.5: two processes creating the log at once used to fail with "table sessions
    /// already exists" (11 of 30 tries). Twenty first opens at once, each adding a session.
    #[test]
    fn twenty_first_opens_at_once_all_succeed() {
        for round in 0..3 {
            let d = tmp(&format!("race{round}"));
            let barrier = std::sync::Arc::new(std::sync::Barrier::new(20));
            let handles: Vec<_> = (0..20)
                .map(|i| {
                    let (d, barrier) = (d.clone(), barrier.clone());
                    std::thread::spawn(move || {
                        barrier.wait();
                        let mut log = TrainingLog::open_in(&d).map_err(|e| e.to_string())?;
                        log.add(&entry(i, 60.0, 8, 8)).map_err(|e| e.to_string())
                    })
                })
                .collect();
            for h in handles {
                h.join().unwrap().unwrap();
            }
            assert_eq!(TrainingLog::open_in(&d).unwrap().entries().unwrap().len(), 20);
            let _ = std::fs::remove_dir_all(&d);
        }
    }

    /// Issue 12.6: a damaged log is reported on open, never written to, and the read-only
    /// open says the same.
    #[test]
    fn a_damaged_log_is_reported_and_never_written() {
        let d = tmp("damaged");
        {
            let mut log = TrainingLog::open_in(&d).unwrap();
            for i in 0..400 {
                log.add(&entry(i, 60.0, 8, 8)).unwrap();
            }
        }
        let path = d.join("training_log.sqlite3");
        let mut bytes = std::fs::read(&path).unwrap();
        assert!(bytes.len() > 3 * 4096, "{} bytes", bytes.len());
        // Scribble over the second page (a b-tree page of the sessions table).
        for b in &mut bytes[4096..8192] {
            *b = 0xA5;
        }
        std::fs::write(&path, &bytes).unwrap();
        let before = std::fs::read(&path).unwrap();
        let e = TrainingLog::open_in(&d).err().expect("a damaged log must not open for writing");
        assert!(matches!(e, LogError::Damaged(..)), "{e}");
        assert!(e.to_string().contains("is damaged"), "{e}");
        assert!(TrainingLog::open_read_only(&d).is_err());
        assert_eq!(std::fs::read(&path).unwrap(), before, "the damaged log was written to");
        let _ = std::fs::remove_dir_all(&d);
    }

    /// Issue 12.11: the log reads on a read-only folder.
    #[test]
    fn the_log_reads_without_write_access() {
        let d = tmp("readonly");
        {
            let mut log = TrainingLog::open_in(&d).unwrap();
            log.add(&entry(1, 60.0, 8, 8)).unwrap();
        }
        assert!(TrainingLog::open_read_only(&tmp("none")).unwrap().is_none());
        let file = d.join("training_log.sqlite3");
        let mut perm = std::fs::metadata(&file).unwrap().permissions();
        perm.set_readonly(true);
        std::fs::set_permissions(&file, perm.clone()).unwrap();
        let log = TrainingLog::open_read_only(&d).unwrap().unwrap();
        assert_eq!(log.entries().unwrap().len(), 1);
        drop(log);
        #[allow(clippy::permissions_set_readonly_false)]
        perm.set_readonly(false);
        std::fs::set_permissions(&file, perm).unwrap();
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn the_lifters_height_is_kept_between_sessions() {
        let d = tmp("height");
        {
            let mut log = TrainingLog::open_in(&d).unwrap();
            assert_eq!(log.lifter_height_m().unwrap(), None);
            log.set_lifter_height_m(1.75).unwrap();
            log.set_lifter_height_m(1.81).unwrap();
        }
        let log = TrainingLog::open_read_only(&d).unwrap().unwrap();
        assert_eq!(log.lifter_height_m().unwrap(), Some(1.81));
        assert_eq!(log.goal().unwrap(), Goal::default());
        let _ = std::fs::remove_dir_all(&d);
    }
}
