//! `review.html`: a session as one self-contained page a coach opens in any browser, with no
//! network and nothing installed: the video (embedded) with the skeleton drawn from the
//! session's landmarks, the hip-extension timeline, the reps, today's report, and comments
//! kept in the browser that leave as a small reply file (`<name>.feedback.json`).
//!
//! Everything from the session (names, comments, drawings) reaches the page as JSON inside a
//! `<script type="application/json">` element with `<`, `>` and `&` escaped, and is shown with
//! `textContent`: a comment `</script><script>…` stays text.

use std::fmt::Write as _;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::folder::FrameLine;
use crate::session::{Comment, Mark, Session};

/// The reply file's format name and version.
pub const FEEDBACK_FORMAT: &str = "thrustline-feedback";
pub const FEEDBACK_VERSION: u32 = 1;
/// A reply file larger than this is refused before it is parsed.
pub const MAX_FEEDBACK_BYTES: u64 = 2 << 20;
/// Comments one reply may carry.
pub const MAX_FEEDBACK_COMMENTS: usize = 1000;

/// What the coach sends back: only the new comments and who wrote them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    pub format: String,
    pub version: u32,
    /// The session it answers: its recording's sha256 (or creation time), so a reply is not
    /// merged into another lifter's session.
    pub session: String,
    pub comments: Vec<Comment>,
}

/// The key that ties a reply to its session.
pub fn session_key(s: &Session) -> String {
    s.input.sha256.clone().unwrap_or_else(|| format!("created-{}", s.created_unix_s))
}

/// One frame's landmarks for the page: x, y (normalized, 3 decimals) and visibility (2).
#[derive(Serialize)]
struct PageFrame {
    t: f64,
    a: Option<f32>,
    lm: Option<Vec<[f32; 3]>>,
}

#[derive(Serialize)]
struct PageData<'a> {
    key: String,
    title: String,
    duration_s: f64,
    fps: f64,
    width: u32,
    height: u32,
    /// The lockout zone the report's chart shades (it had shaded 150–200° here, 153–192° there).
    lockout_zone: (f32, f32),
    reps: Vec<PageRep>,
    comments: &'a [Comment],
    frames: Vec<PageFrame>,
    overlay: bool,
}

#[derive(Serialize)]
struct PageRep {
    index: u32,
    start_s: f64,
    lockout_s: f64,
    end_s: f64,
    /// The rep's peak hip angle, as the report's "Peak hip" and the window's "top".
    peak_hip_angle: f32,
    faults: Vec<(String, String, f64)>,
    /// Its form was seen (see `Rep::form_seen`): without it the angle is an estimate and a rep
    /// with no fault is not clean, as the report says.
    judged: bool,
}

/// The page. `video_mp4`: the embedded video (H.264 MP4); `overlay`: whether its frames are
/// the raw recording (the skeleton is drawn by the page) or already annotated; `report_body`:
/// today's report's body and its CSS, shown under the player.
pub fn render(
    s: &Session,
    frames: &[FrameLine],
    video_mp4: Option<&[u8]>,
    overlay: bool,
    report: &str,
) -> String {
    let round = |x: f32, k: f32| (x * k).round() / k;
    let data = PageData {
        key: session_key(s),
        title: std::path::Path::new(&s.input.file)
            .file_name()
            .map_or(s.input.file.clone(), |n| n.to_string_lossy().into_owned()),
        duration_s: s.input.duration_s,
        fps: s.input.fps,
        width: s.input.width,
        height: s.input.height,
        lockout_zone: s.thresholds.lockout_zone(),
        reps: s
            .reps
            .iter()
            .map(|r| PageRep {
                index: r.index,
                start_s: r.start_s,
                lockout_s: r.lockout_s,
                end_s: r.end_s,
                peak_hip_angle: round(r.metrics.peak_hip_angle, 10.0),
                faults: r
                    .faults
                    .iter()
                    .map(|f| (f.id.as_str().to_string(), f.cue.to_string(), f.start_s))
                    .collect(),
                judged: r.form_seen(),
            })
            .collect(),
        comments: &s.comments,
        frames: frames
            .iter()
            .map(|f| PageFrame {
                t: (f.t / 1000.0 * 1000.0).round() / 1000.0,
                a: f.hip_angle_smoothed.map(|a| round(a, 10.0)),
                lm: f.lm.as_ref().map(|l| {
                    l.iter().map(|p| [round(p[0], 1000.0), round(p[1], 1000.0), round(p[3], 100.0)]).collect()
                }),
            })
            .collect(),
        overlay,
    };
    let json = serde_json::to_string(&data).unwrap_or_else(|_| "{}".into());
    // Inside a script element only `</` could end it; escaping <, > and & keeps every string
    // from a session or a reply as data.
    let json = json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026");
    let (report_css, report_body) = split_report(report);
    let mut o = String::with_capacity(json.len() + video_mp4.map_or(0, |v| v.len() * 4 / 3) + 64 * 1024);
    let _ = write!(
        o,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; media-src data: blob:; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"><title>Thrustline review</title><style>{PAGE_CSS}</style><style>{report_css}</style></head><body><header><h1>Thrustline review: <span id="title"></span></h1><p class="hint">Space play/pause · ← → frame · B / F previous / next fault · S skeleton · 1–9 jump to rep</p></header><main><section id="player"><div id="stage">"#
    );
    match video_mp4 {
        Some(v) => {
            let _ = write!(
                o,
                r#"<video id="video" playsinline preload="auto" src="data:video/mp4;base64,{}"></video>"#,
                base64::engine::general_purpose::STANDARD.encode(v)
            );
        }
        None => o.push_str(r#"<video id="video" playsinline></video><p class="warn">The session's video was not found: the timeline, reps and comments work without it.</p>"#),
    }
    o.push_str(
        r#"<canvas id="overlay"></canvas></div><div id="controls"><button id="play">Play</button><button id="prev">◀ frame</button><button id="next">frame ▶</button><label>Speed <select id="speed"><option>0.25</option><option>0.5</option><option>0.75</option><option selected>1</option><option>1.5</option><option>2</option></select></label><label><input type="checkbox" id="skeleton" checked> Skeleton</label><button id="pfault">◀ fault</button><button id="nfault">fault ▶</button><span id="time">0:00.00</span></div><canvas id="timeline" height="120"></canvas></section><section id="side"><h2>Reps</h2><table id="tl-reps"><thead><tr><th>rep</th><th title="when the rep started (the hips left the bottom)">start</th><th title="the highest hip angle of the rep">peak hip</th><th>faults</th></tr></thead><tbody></tbody></table><h2>Comments</h2><ul id="tl-comments"></ul><form id="new"><label>Your name <input id="author" required maxlength="200"></label><textarea id="text" required maxlength="10000" placeholder="What you see at this moment"></textarea><div class="tools">Draw: <label><input type="radio" name="tool" value="none" checked> none</label><label><input type="radio" name="tool" value="line"> line</label><label><input type="radio" name="tool" value="angle"> angle</label> <span id="mark"></span></div><button type="submit" id="add">Add comment at <span id="at">0:00.00</span></button></form><p class="warn" id="storenote" hidden>This browser is not keeping your comments: send the feedback before you close or reload the page.</p><button id="send">Send feedback</button><p class="hint" id="sendhint">Downloads a small reply file with your new comments for the lifter (<code>thrustline comment SESSION --import FILE</code>).</p></section></main><section id="report">"#,
    );
    o.push_str(report_body);
    o.push_str(r#"</section><script type="application/json" id="data">"#);
    o.push_str(&json);
    o.push_str(r#"</script><script>"#);
    o.push_str(PAGE_JS);
    o.push_str("</script></body></html>");
    o
}

/// The report's CSS and body (it is ours and has no script).
fn split_report(report: &str) -> (&str, &str) {
    let css = report.split_once("<style>").and_then(|(_, r)| r.split_once("</style>")).map_or("", |(c, _)| c);
    let body = report.split_once("<body>").and_then(|(_, r)| r.rsplit_once("</body>")).map_or("", |(b, _)| b);
    (css, body)
}

/// Reads and checks a reply file: its format, the session it answers, sizes and counts, and
/// each comment's time inside the video. Returns the comments to merge.
pub fn read_feedback(bytes: &[u8], s: &Session) -> Result<Vec<Comment>, String> {
    if bytes.len() as u64 > MAX_FEEDBACK_BYTES {
        return Err(format!("{} bytes (a reply is at most {MAX_FEEDBACK_BYTES})", bytes.len()));
    }
    let f: Feedback =
        serde_json::from_slice(bytes).map_err(|e| format!("not a Thrustline reply file ({e})"))?;
    if f.format != FEEDBACK_FORMAT {
        return Err(format!("not a Thrustline reply file (format {:?})", f.format));
    }
    if f.version > FEEDBACK_VERSION {
        return Err(format!(
            "a reply from a newer Thrustline (version {}; this one reads {FEEDBACK_VERSION}): update Thrustline",
            f.version
        ));
    }
    if f.version != FEEDBACK_VERSION {
        return Err(format!("not a Thrustline reply file (version {})", f.version));
    }
    if f.session != session_key(s) {
        return Err("this reply answers another session".into());
    }
    if f.comments.len() > MAX_FEEDBACK_COMMENTS {
        return Err(format!("{} comments (at most {MAX_FEEDBACK_COMMENTS})", f.comments.len()));
    }
    // The same checks as a session's own comments, times inside the video.
    let mut probe = s.clone();
    probe.comments = f.comments.clone();
    for c in &probe.comments {
        if !(0.0..=s.input.duration_s).contains(&c.t_s) {
            return Err(format!(
                "a comment at {} s is outside the video (0 to {:.1} s)",
                c.t_s, s.input.duration_s
            ));
        }
        if c.text.trim().is_empty() || c.author.trim().is_empty() {
            return Err("a comment without text or author".into());
        }
        if let Some(m) = &c.mark {
            if !m.degrees.is_finite() {
                return Err("a drawing's angle is not a number".into());
            }
        }
    }
    probe.validate().map_err(|e| e.to_string())?;
    // Marks are measured again here, in the video's pixels: the page's value is not trusted.
    let comments = probe
        .comments
        .into_iter()
        .map(|mut c| {
            c.mark =
                c.mark.and_then(|m| Mark::new(m.kind, m.points, s.input.width as f32, s.input.height as f32));
            // Half a frame of slack: the page stamps the shown frame's time to the millisecond.
            let half = 0.5 / s.input.fps.max(1.0);
            c.rep = s.rep_at(c.t_s).or_else(|| s.rep_at(c.t_s + half)).map(|r| r.index);
            c
        })
        .collect();
    Ok(comments)
}

const PAGE_CSS: &str = r#"
body{font:15px/1.4 system-ui,sans-serif;margin:0;color:#1b1f29;background:#f5f6f8}
header{padding:10px 16px;background:#1b2a4a;color:#fff}header h1{font-size:18px;margin:0}
.hint{font-size:12px;color:#667;margin:4px 0}header .hint{color:#cfd6e6}
main{display:flex;flex-wrap:wrap;gap:16px;padding:12px 16px}
#player{flex:3 1 480px;min-width:300px}#side{flex:1 1 280px}
#stage{position:relative;background:#000;line-height:0}#stage video{width:100%;display:block}
#overlay{position:absolute;left:0;top:0;width:100%;height:100%;cursor:crosshair}
#controls{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:8px 0}
#timeline{width:100%;background:#fff;border:1px solid #dde;cursor:pointer}
#time{display:inline-block;min-width:17ch;white-space:nowrap;font-variant-numeric:tabular-nums}
table{border-collapse:collapse;width:100%}td,th{padding:4px 6px;border-bottom:1px solid #e3e6ec;text-align:left;font-size:13px}
#tl-reps tbody tr{cursor:pointer}#tl-reps tbody tr:hover{background:#eef3ff}tr.current{background:#dfe9ff}
#tl-comments{padding-left:18px}#tl-comments li{margin:4px 0}#tl-comments li.new{color:#1a5fd0}
form#new{display:flex;flex-direction:column;gap:6px;margin-top:8px}textarea{min-height:60px}
button{padding:4px 10px}#send{margin-top:10px;font-weight:bold}.warn{color:#b00;line-height:1.4}
#report{padding:0 16px 24px;border-top:2px solid #dde;margin-top:8px}
"#;

const PAGE_JS: &str = include_str!("share.js");
