"use strict";
// Thrustline review page: player, skeleton overlay, timeline, reps, comments, reply file.
// Session text reaches the page only as data and is shown with textContent.
(function () {
  const D = JSON.parse(document.getElementById("data").textContent);
  const $ = (id) => document.getElementById(id);
  const video = $("video"), overlay = $("overlay"), tl = $("timeline");
  const octx = overlay.getContext("2d"), tctx = tl.getContext("2d");
  const STORE = "thrustline-review:" + D.key;
  const dur = Math.max(D.duration_s, 0.001);
  const step = 1 / (D.fps > 0 ? D.fps : 30);
  // BlazePose's 33-point skeleton: the connections MediaPipe draws.
  const BONES = [[11,12],[11,13],[13,15],[12,14],[14,16],[11,23],[12,24],[23,24],[23,25],[24,26],
    [25,27],[26,28],[27,29],[28,30],[29,31],[30,32],[27,31],[28,32],[0,11],[0,12]];
  let mine = [];
  try { mine = JSON.parse(localStorage.getItem(STORE) || "[]"); } catch (e) { mine = []; }
  if (!Array.isArray(mine)) mine = [];
  let drawing = [];

  $("title").textContent = D.title;
  $("skeleton").disabled = !D.overlay;
  if (!D.overlay) $("skeleton").checked = false;

  const now = () => (isFinite(video.currentTime) ? video.currentTime : 0);
  // Minutes and seconds as the report below writes them, to the hundredth (a frame is 0.03 s).
  const fmt = (t) => {
    const c = Math.round(Math.max(t, 0) * 100), m = Math.floor(c / 6000), s = (c - m * 6000) / 100;
    return m + ":" + (s < 10 ? "0" : "") + s.toFixed(2);
  };
  // Half a frame of slack: a seek lands on the frame at or just before the time asked.
  const repAt = (t) => { const r = D.reps.find((r) => t >= r.start_s - step / 2 && t <= r.end_s + step / 2); return r ? r.index : null; };
  function frameAt(t) {
    const f = D.frames; if (!f.length) return null;
    let lo = 0, hi = f.length - 1;
    while (lo < hi) { const m = (lo + hi) >> 1; if (f[m].t < t) lo = m + 1; else hi = m; }
    if (lo > 0 && Math.abs(f[lo - 1].t - t) < Math.abs(f[lo].t - t)) lo--;
    return f[lo];
  }
  function seek(t) { video.currentTime = Math.min(Math.max(t, 0), dur); draw(); }

  function sizeOverlay() {
    const r = video.getBoundingClientRect();
    const w = Math.max(1, Math.round(r.width)), h = Math.max(1, Math.round(r.height || r.width * D.height / Math.max(D.width, 1)));
    if (overlay.width !== w || overlay.height !== h) { overlay.width = w; overlay.height = h; }
    tl.width = Math.max(1, Math.round(tl.getBoundingClientRect().width));
  }
  function draw() {
    sizeOverlay();
    const t = now(), W = overlay.width, H = overlay.height;
    octx.clearRect(0, 0, W, H);
    const f = frameAt(t);
    if ($("skeleton").checked && f && f.lm) {
      octx.lineWidth = 3; octx.strokeStyle = "rgba(60,220,120,0.9)";
      for (const [a, b] of BONES) {
        const p = f.lm[a], q = f.lm[b];
        if (p[2] < 0.5 || q[2] < 0.5) continue;
        octx.beginPath(); octx.moveTo(p[0] * W, p[1] * H); octx.lineTo(q[0] * W, q[1] * H); octx.stroke();
      }
      octx.fillStyle = "#fff";
      for (const p of f.lm) if (p[2] >= 0.5) { octx.beginPath(); octx.arc(p[0] * W, p[1] * H, 3, 0, 7); octx.fill(); }
    }
    // Drawings of comments near this moment, and the one being drawn.
    const marks = all().filter((c) => c.mark && Math.abs(c.t_s - t) < 0.5).map((c) => c.mark.points);
    if (drawing.length) marks.push(drawing);
    octx.strokeStyle = "#ffd23f"; octx.lineWidth = 3;
    for (const pts of marks) {
      octx.beginPath(); pts.forEach((p, i) => (i ? octx.lineTo(p[0] * W, p[1] * H) : octx.moveTo(p[0] * W, p[1] * H))); octx.stroke();
    }
    $("time").textContent = fmt(t) + (repAt(t) ? " · rep " + repAt(t) : "");
    $("at").textContent = fmt(t);
    for (const tr of document.querySelectorAll("#tl-reps tbody tr")) tr.classList.toggle("current", Number(tr.dataset.rep) === repAt(t));
    timeline();
  }
  function timeline() {
    const W = tl.width, H = tl.height, x = (t) => (t / dur) * W, y = (a) => H - ((Math.min(Math.max(a, 80), 200) - 80) / 120) * H;
    tctx.clearRect(0, 0, W, H);
    tctx.fillStyle = "rgba(42,157,85,0.12)"; tctx.fillRect(0, y(D.lockout_zone[1]), W, y(D.lockout_zone[0]) - y(D.lockout_zone[1]));
    tctx.strokeStyle = "#2458c6"; tctx.lineWidth = 1.5; tctx.beginPath();
    let pen = false;
    for (const f of D.frames) { if (f.a == null) { pen = false; continue; } pen ? tctx.lineTo(x(f.t), y(f.a)) : tctx.moveTo(x(f.t), y(f.a)); pen = true; }
    tctx.stroke();
    // Seconds along the bottom, on a 1-2-5 step that leaves room for each label (as the
    // review window's), above the fault marks.
    tctx.font = "11px sans-serif"; tctx.textAlign = "center"; tctx.fillStyle = "#666";
    const step = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600].find((s) => x(s) >= 48) || 600;
    for (let t = step; x(t) <= W - 20; t += step) {
      tctx.fillRect(x(t), H - 16, 1, 4);
      tctx.fillText(Math.floor(t / 60) + ":" + String(t % 60).padStart(2, "0"), x(t), H - 19);
    }
    for (const r of D.reps) {
      // Green only for a clean rep whose form was seen; red with a fault, grey where not judged.
      tctx.fillStyle = r.faults.length ? "#d33" : r.judged ? "#2a9d55" : "#999"; tctx.fillRect(x(r.lockout_s) - 1, 0, 2, H);
      tctx.textAlign = "left"; tctx.font = "bold 11px sans-serif"; tctx.fillText(String(r.index), x(r.lockout_s) + 3, 22);
      for (const f of r.faults) { tctx.fillStyle = "#d33"; tctx.fillRect(x(f[2]) - 3, H - 10, 6, 10); }
    }
    for (const c of all()) { tctx.fillStyle = "#e0a800"; tctx.beginPath(); tctx.arc(x(c.t_s), 8, 5, 0, 7); tctx.fill(); }
    tctx.fillStyle = "#000"; tctx.fillRect(x(now()) - 1, 0, 2, H);
  }
  const all = () => D.comments.concat(mine);

  function repsTable() {
    const tb = document.querySelector("#tl-reps tbody");
    for (const r of D.reps) {
      const tr = document.createElement("tr"); tr.dataset.rep = r.index;
      // A rep whose form the camera did not show is not clean, and its angle is an estimate (as the report says).
      const faults = r.faults.map((f) => f[0].replace(/_/g, " ")).join(", ") || (r.judged ? "clean" : "form not judged");
      const cells = [String(r.index), fmt(r.start_s), (r.judged ? "" : "≈") + r.peak_hip_angle.toFixed(0) + "°", faults];
      for (const c of cells) { const td = document.createElement("td"); td.textContent = c; tr.appendChild(td); }
      tr.addEventListener("click", () => { video.pause(); seek(r.start_s); });
      tb.appendChild(tr);
    }
  }
  function commentsList() {
    const ul = $("tl-comments"); ul.textContent = "";
    for (const c of all().slice().sort((a, b) => a.t_s - b.t_s)) {
      const li = document.createElement("li"); if (mine.includes(c)) li.className = "new";
      const b = document.createElement("b"); b.textContent = fmt(c.t_s) + (c.rep ? " · rep " + c.rep : "") + " · " + c.author + ": ";
      li.appendChild(b); li.appendChild(document.createTextNode(c.text + (c.mark ? " [" + c.mark.kind + "]" : "")));
      li.addEventListener("click", () => seek(c.t_s));
      ul.appendChild(li);
    }
  }
  // Storage can be refused (private mode, a full disk): the page still works, and says a reload
  // would lose what is not yet sent.
  function save() {
    const text = JSON.stringify(mine);
    let kept = false;
    try { localStorage.setItem(STORE, text); kept = localStorage.getItem(STORE) === text; } catch (e) { kept = false; }
    $("storenote").hidden = kept || !mine.length;
  }
  function faultTimes() { return D.reps.flatMap((r) => r.faults.map((f) => f[2])).sort((a, b) => a - b); }

  overlay.addEventListener("click", (ev) => {
    const tool = document.querySelector("input[name=tool]:checked").value;
    if (tool === "none") { video.paused ? video.play() : video.pause(); return; }
    const r = overlay.getBoundingClientRect();
    const p = [(ev.clientX - r.left) / r.width, (ev.clientY - r.top) / r.height];
    const need = tool === "line" ? 2 : 3;
    if (drawing.length >= need) drawing = [];
    drawing.push(p);
    $("mark").textContent = drawing.length + " of " + need + " points";
    draw();
  });
  $("new").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const tool = document.querySelector("input[name=tool]:checked").value;
    const need = tool === "line" ? 2 : tool === "angle" ? 3 : 0;
    const c = { t_s: Math.round(now() * 1000) / 1000, rep: repAt(now()), author: $("author").value.trim(), text: $("text").value.trim() };
    if (!c.author || !c.text) return;
    if (need && drawing.length === need) c.mark = { kind: tool, points: drawing.slice(), degrees: 0 };
    mine.push(c); save();
    try { localStorage.setItem("thrustline-review:author", c.author); } catch (e) { /* ignore */ }
    $("text").value = ""; drawing = []; $("mark").textContent = "";
    commentsList(); draw();
  });
  $("send").addEventListener("click", () => {
    // Nothing new: a reply with no comment in it would only make the lifter import nothing.
    if (!mine.length) { $("sendhint").textContent = "No new comments to send: add one first."; return; }
    const reply = { format: "thrustline-feedback", version: 1, session: D.key, comments: mine };
    const blob = new Blob([JSON.stringify(reply, null, 1)], { type: "application/json" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = (D.title.replace(/\.[^.]*$/, "") || "session") + ".feedback.json";
    document.body.appendChild(a); a.click(); a.remove();
    $("sendhint").textContent = mine.length + (mine.length === 1 ? " comment in " : " comments in ") + a.download + ": send it to the lifter.";
  });
  $("play").addEventListener("click", () => (video.paused ? video.play() : video.pause()));
  $("prev").addEventListener("click", () => { video.pause(); seek(now() - step); });
  $("next").addEventListener("click", () => { video.pause(); seek(now() + step); });
  $("speed").addEventListener("change", (e) => { video.playbackRate = Number(e.target.value); });
  $("skeleton").addEventListener("change", draw);
  $("pfault").addEventListener("click", () => { const f = faultTimes().filter((t) => t < now() - 0.05).pop(); if (f != null) seek(f); });
  $("nfault").addEventListener("click", () => { const f = faultTimes().find((t) => t > now() + 0.05); if (f != null) seek(f); });
  tl.addEventListener("click", (ev) => { const r = tl.getBoundingClientRect(); seek(((ev.clientX - r.left) / r.width) * dur); });
  document.addEventListener("keydown", (ev) => {
    if (ev.target.tagName === "INPUT" || ev.target.tagName === "TEXTAREA" || ev.target.tagName === "SELECT") return;
    if (ev.key === " ") { ev.preventDefault(); video.paused ? video.play() : video.pause(); }
    else if (ev.key === "ArrowLeft") { video.pause(); seek(now() - step); }
    else if (ev.key === "ArrowRight") { video.pause(); seek(now() + step); }
    else if (ev.key === "b" || ev.key === "B") $("pfault").click();
    else if (ev.key === "f" || ev.key === "F") $("nfault").click();
    else if (ev.key === "s" || ev.key === "S") { if (D.overlay) { $("skeleton").checked = !$("skeleton").checked; draw(); } }
    else if (/^[1-9]$/.test(ev.key)) { const r = D.reps[Number(ev.key) - 1]; if (r) seek(r.start_s); }
  });
  video.addEventListener("timeupdate", draw);
  video.addEventListener("seeked", draw);
  video.addEventListener("loadedmetadata", draw);
  video.addEventListener("play", () => { $("play").textContent = "Pause"; const tick = () => { draw(); if (!video.paused) requestAnimationFrame(tick); }; tick(); });
  video.addEventListener("pause", () => { $("play").textContent = "Play"; draw(); });
  window.addEventListener("resize", draw);
  try { $("author").value = localStorage.getItem("thrustline-review:author") || ""; } catch (e) { /* ignore */ }
  repsTable(); commentsList(); draw();
  document.body.dataset.ready = "1";
})();
