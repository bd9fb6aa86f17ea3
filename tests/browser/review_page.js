// Drives the review page (tests/share.rs) in the system Chromium as a coach would: plays the
// video, seeks by the rep table, writes a comment with a drawn line, sends the reply file,
// reloads. Prints one JSON line of what it saw; argv: page URL, screenshot, reply file.
const { chromium } = require('playwright-core');
(async () => {
  const page_url = process.argv[2], shot = process.argv[3], dl = process.argv[4];
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const ctx = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  await ctx.route('**/*', (r) => (r.request().url().startsWith('file:') || r.request().url().startsWith('data:') || r.request().url().startsWith('blob:') ? r.continue() : r.abort()));
  const page = await ctx.newPage();
  const errors = []; let alerted = false;
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('dialog', async (d) => { alerted = true; await d.dismiss(); });
  await page.goto(page_url);
  await page.waitForSelector('body[data-ready="1"]');
  const out = {};
  await page.waitForFunction(() => document.getElementById('video').readyState >= 1, null, { timeout: 10000 });
  out.duration = await page.evaluate(() => document.getElementById('video').duration);
  await page.evaluate(() => { const v = document.getElementById('video'); v.muted = true; return v.play(); });
  await page.waitForTimeout(1200);
  out.played_to = await page.evaluate(() => document.getElementById('video').currentTime);
  out.decoded = await page.evaluate(() => { const q = document.getElementById('video').getVideoPlaybackQuality(); return q.totalVideoFrames; });
  await page.click('#play'); // pause
  // Every rep from the table: the time each click lands on.
  out.rep_seeks = [];
  const rows = await page.locator('#tl-reps tbody tr').count();
  for (let i = 1; i <= rows; i++) {
    await page.click(`#tl-reps tbody tr:nth-child(${i})`);
    await page.waitForTimeout(150);
    out.rep_seeks.push(await page.evaluate(() => document.getElementById('video').currentTime));
  }
  // Seek by clicking rep 2 in the table.
  await page.click('#tl-reps tbody tr:nth-child(2)');
  await page.waitForTimeout(300);
  out.after_rep2 = await page.evaluate(() => document.getElementById('video').currentTime);
  // A click on the timeline near the end: the video decodes from the keyframe before it (an
  // open GOP's seek point had frozen the player for good).
  const tl = await page.locator('#timeline').boundingBox();
  await page.mouse.click(tl.x + tl.width * 0.9, tl.y + tl.height / 2);
  await page.waitForTimeout(800);
  out.late_seek = await page.evaluate(() => { const v = document.getElementById('video'); return { t: v.currentTime, dur: v.duration, seeking: v.seeking, ready: v.readyState, error: v.error && v.error.code }; });
  // Send with nothing new: no file, and a word why.
  let emptyDownload = false;
  page.once('download', () => { emptyDownload = true; });
  await page.click('#send');
  await page.waitForTimeout(300);
  out.empty_send = { downloaded: emptyDownload, hint: await page.textContent('#sendhint') };
  await page.click('#tl-reps tbody tr:nth-child(2)');
  await page.waitForTimeout(300);
  // A comment with a drawn line.
  await page.fill('#author', 'Coach Ana');
  await page.fill('#text', process.env.COMMENT || 'Drive through the heels here');
  await page.check('input[name=tool][value=line]');
  const box = await page.locator('#overlay').boundingBox();
  await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.5);
  await page.mouse.click(box.x + box.width * 0.7, box.y + box.height * 0.4);
  await page.click('#add');
  out.comments_shown = await page.locator('#tl-comments li').count();
  await page.screenshot({ path: shot, fullPage: false });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#send')]);
  await download.saveAs(dl);
  out.download_name = download.suggestedFilename();
  // A reload keeps the comment (browser storage). What storage held either side of it, and
  // whether the page warned that it could not keep it, go into the output for a failure's message.
  // Comments kept per stored session (-1: not a list), evaluated in a page.
  const counts = () => Object.keys(localStorage).filter((k) => k !== 'thrustline-review:author').map((k) => { try { return JSON.parse(localStorage.getItem(k)).length; } catch (e) { return -1; } });
  const stored = () => page.evaluate(counts);
  out.storenote_shown = await page.evaluate(() => !document.getElementById('storenote').hidden);
  out.stored_before_reload = await stored();
  // Another tab of the same page shows the comment (storage reaches the browser, not only this
  // tab's copy), waiting for it as a coach would see it, then the reload.
  const other = await ctx.newPage();
  await other.goto(page_url); await other.waitForSelector('body[data-ready="1"]');
  const t0 = Date.now();
  out.other_tab_stored = await other.waitForFunction(`(${counts})().includes(1)`, null, { timeout: 5000 }).then(() => true, () => false);
  out.other_tab_wait_ms = Date.now() - t0;
  await other.close();
  await page.reload(); await page.waitForSelector('body[data-ready="1"]');
  out.stored_after_reload = await stored();
  out.comments_after_reload = await page.locator('#tl-comments li').count();
  out.texts = await page.$$eval('#tl-comments li', (els) => els.map((e) => e.textContent));
  out.errors = errors; out.alerted = alerted;
  out.injected = await page.evaluate(() => window.__pwned === true);
  // A browser that refuses storage: the comment still shows, and the page says it is not kept.
  const refused = await ctx.newPage();
  await refused.addInitScript(() => { Storage.prototype.setItem = () => { throw new DOMException('refused', 'QuotaExceededError'); }; });
  await refused.goto(page_url); await refused.waitForSelector('body[data-ready="1"]');
  await refused.fill('#author', 'Coach Ana'); await refused.fill('#text', 'Hold the top');
  out.storenote_before_refused = await refused.evaluate(() => !document.getElementById('storenote').hidden);
  await refused.click('#add');
  out.refused_comments_shown = await refused.locator('#tl-comments li').count();
  out.storenote_when_refused = await refused.evaluate(() => !document.getElementById('storenote').hidden);
  if (process.env.REFUSED_SHOT) await refused.screenshot({ path: process.env.REFUSED_SHOT });
  console.log(JSON.stringify(out));
  await browser.close();
})().catch((e) => { console.error(String(e)); process.exit(1); });
