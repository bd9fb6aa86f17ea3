//! `thrustline doctor`: one line per check, with what to do when it fails.

use anyhow::Result;
use thrustline_engine::doctor::{self, Needs};

#[derive(clap::Args, Debug)]
pub struct DoctorArgs {
    /// Also require what `live` needs (a camera that gives frames, a display): without this, a
    /// missing one is a warning, since `analyze`, `review` and `share` run without them.
    #[arg(long)]
    pub live: bool,
    /// One JSON object: `ok` and every check (name, status, detail, fix).
    #[arg(long)]
    pub json: bool,
}

/// Exit 0 when every check the asked jobs need passed; warnings do not count.
pub fn run(a: &DoctorArgs) -> Result<bool> {
    let checks = doctor::run(Needs { live: a.live });
    let ok = doctor::passed(&checks);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "ok": ok, "checks": checks }))?);
    } else {
        for c in &checks {
            println!("{}", c.line());
        }
        let needed = if a.live { "live, analyze, review and share" } else { "analyze, review and share" };
        if ok {
            println!("everything {needed} need is here");
        } else {
            println!("something {needed} need is missing: see FAIL above");
        }
    }
    Ok(ok)
}
