// SPDX-License-Identifier: MIT
// Drives a real browser (Debian's chromium over CDP, or firefox-esr over WebDriver BiDi) against a
// running logtallyd: the page's numbers against /api/v1/stats, the chart's series against
// /api/v1/history, the events table against /api/v1/events, a late error showing up live, and
// the page with JavaScript off. Prints "ok - ..." / "FAIL - ..." lines for the calling script.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const puppeteer = require('puppeteer-core');

const env = (k) => {
  if (!process.env[k]) throw new Error(`${k} is not set`);
  return process.env[k];
};
const URL = env('LT_URL');
const BROWSER = env('LT_BROWSER'); // chrome or firefox
const EXE = env('LT_BROWSER_EXE');
const TCP_PORT = env('LT_TCP_PORT');
const SCREENSHOT = process.env.LT_SCREENSHOT || '';
const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug', 'unknown'];

let failed = 0;
const ok = (what) => console.log(`ok - ${BROWSER}: ${what}`);
const fail = (what) => { failed++; console.log(`FAIL - ${BROWSER}: ${what}`); };
const check = (cond, what, detail) => (cond ? ok(what) : fail(`${what}${detail ? ': ' + detail : ''}`));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const api = async (p) => (await fetch(URL + p)).json();

// Polls fn (returning [done, detail]) every 50 ms for up to ms; returns the last [done, detail].
async function until(ms, fn) {
  const end = Date.now() + ms;
  for (;;) {
    const r = await fn();
    if (r[0] || Date.now() > end) return r;
    await sleep(50);
  }
}

// isScriptOff: Firefox over BiDi cannot switch JavaScript off per page, so it gets a second
// browser started with the preference off.
async function launch(isScriptOff) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lt-${BROWSER}-`));
  const common = { executablePath: EXE, headless: true, userDataDir: dir, timeout: 30000 };
  const browser = BROWSER === 'firefox'
    ? await puppeteer.launch({ ...common, browser: 'firefox',
      extraPrefsFirefox: isScriptOff ? { 'javascript.enabled': false } : {} })
    : await puppeteer.launch({
      ...common,
      browser: 'chrome',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  return { browser, dir };
}

// What the page shows, read from the DOM.
function readPage(page) {
  return page.evaluate((levels) => {
    const text = (sel) => { const e = document.querySelector(sel); return e ? e.textContent : null; };
    const out = { levels: {}, rates: {}, chart: [], events: [], status: text('#status') };
    for (const l of levels) {
      out.levels[l] = text(`#levels tr[data-level="${l}"] .total`);
      out.rates[l] = ['1m', '5m', '15m'].map((w) => text(`#levels tr[data-level="${l}"] .r${w}`));
    }
    out.total = text('#events-total');
    for (const id of ['udp-dropped', 'rejected-total', 'ring-overwritten', 'series-overflow', 'rejected-detail']) out[id] = text(`#${id}`);
    out.chart = Array.from(document.querySelectorAll('#chart polyline')).map((p) => p.getAttribute('data-level')).sort();
    out.events = Array.from(document.querySelectorAll('#events tr[data-seq]')).map((tr) => ({
      seq: tr.dataset.seq, cells: Array.from(tr.cells).map((c) => c.textContent) }));
    out.eventsHtml = document.querySelector('#events').innerHTML;
    out.topApp = Array.from(document.querySelectorAll('#top-app tr')).map((tr) => Array.from(tr.cells).map((c) => c.textContent));
    out.lastStats = window.__ltStats || null;
    return out;
  }, LEVELS);
}

function statsView(s) {
  const levels = {};
  for (const l of LEVELS) levels[l] = String(s.levels[l]);
  return { levels, total: String(s.events_total), 'udp-dropped': String(s.udp.dropped),
    'rejected-total': String(s.rejected_total), 'ring-overwritten': String(s.ring.overwritten),
    'series-overflow': String(s.series.overflow_events) };
}

function shownView(v) {
  const o = { levels: v.levels, total: v.total };
  for (const k of ['udp-dropped', 'rejected-total', 'ring-overwritten', 'series-overflow']) o[k] = v[k];
  return o;
}

async function livePage(browser) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 1100 });
  // Records the /api/v1/stats document the page itself last received, to compare the rates it
  // shows with the ones it was given (they change every second, so a second fetch could differ).
  await page.evaluateOnNewDocument(() => {
    const orig = window.fetch;
    window.fetch = function (u, o) {
      return orig.call(this, u, o).then((r) => {
        if (String(u).indexOf('/api/v1/stats') === 0) r.clone().json().then((j) => { window.__ltStats = j; });
        return r;
      });
    };
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const resp = await page.goto(URL + '/', { waitUntil: 'load' });
  check(resp.status() === 200, 'GET / is 200', resp.status());
  check((resp.headers()['content-security-policy'] || '').includes("default-src 'self'"), 'page has a Content-Security-Policy');

  let [live, v] = await until(5000, async () => { const v = await readPage(page); return [/^live/.test(v.status), v]; });
  check(live, 'the script runs and reports live', v.status);

  const stats = await api('/api/v1/stats');
  const want = statsView(stats);
  let [same, shown] = await until(3000, async () => { const v = await readPage(page); return [JSON.stringify(shownView(v)) === JSON.stringify(want), v]; });
  check(same, 'totals, drops and rejects shown equal /api/v1/stats', `shown ${JSON.stringify(shownView(shown))} want ${JSON.stringify(want)}`);

  const [ratesOk, rv] = await until(3000, async () => {
    const v = await readPage(page);
    if (!v.lastStats) return [false, 'no stats seen'];
    const bad = LEVELS.filter((l) => ['1m', '5m', '15m'].some((w, i) => v.rates[l][i] !== Number(v.lastStats.rates[w][l]).toFixed(2)));
    return [bad.length === 0, `levels differing: ${bad.join(',')} ${JSON.stringify(v.rates)}`];
  });
  check(ratesOk, 'rates shown equal the /api/v1/stats rates the page received', rv);

  const withData = LEVELS.filter((l) => stats.levels[l] > 0).sort();
  const hist = await api('/api/v1/history?window=900');
  const inHistory = LEVELS.filter((l) => hist.seconds.some((s) => s.counts[l] > 0)).sort();
  check(JSON.stringify(inHistory) === JSON.stringify(withData), 'history has every level with data', `${inHistory} vs ${withData}`);
  const [chartOk, cv] = await until(3000, async () => { const v = await readPage(page); return [JSON.stringify(v.chart) === JSON.stringify(withData), v.chart]; });
  check(chartOk, `chart has one series per level with data (${withData.join(', ')})`, `chart has ${cv}`);

  const evs = await api('/api/v1/events?min_level=err');
  const [evOk, ev] = await until(3000, async () => {
    const v = await readPage(page);
    return [JSON.stringify(v.events.map((e) => e.seq)) === JSON.stringify(evs.events.map((e) => String(e.seq))), v];
  });
  check(evOk, `events table lists the ${evs.count} err-and-worse events of /api/v1/events`, JSON.stringify(ev.events.map((e) => e.seq)));
  const hostile = ev.events.find((e) => e.cells[4].includes('<b>bold</b>'));
  check(hostile && !/<b>/.test(ev.eventsHtml) && /&lt;b&gt;bold/.test(ev.eventsHtml), 'a message with markup shows as text, not markup');
  const hostileApp = ev.events.find((e) => e.cells[3] === '<i>app</i>');
  check(hostileApp && !/<i>/.test(ev.eventsHtml), 'an app name with markup shows as text');
  check(shown.topApp.length > 0 && shown.topApp[0][0] === 'nginx', 'top apps lists nginx first', JSON.stringify(shown.topApp));

  // An error sent now must appear within two seconds.
  const marker = `late error ${process.pid}-${Date.now()}`;
  const t0 = Date.now();
  execFileSync('logger', ['-n', '127.0.0.1', '-P', TCP_PORT, '-T', '--rfc5424', '-p', 'user.err', '-t', 'latecomer', marker]);
  const [seen] = await until(2000, async () => { const v = await readPage(page); return [v.events.some((e) => e.cells[4] === marker), null]; });
  const ms = Date.now() - t0;
  check(seen, `an error sent after loading appears in the table within 2 s (${ms} ms)`);

  if (SCREENSHOT) {
    await sleep(1100); // one more refresh, so the chart and totals include the late error
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    ok(`screenshot saved as ${SCREENSHOT}`);
  }
  check(errors.length === 0, 'no script errors on the page', errors.join('; '));
  await page.close();
}

async function staticPage(browser) {
  const page = await browser.newPage();
  if (BROWSER !== 'firefox') await page.setJavaScriptEnabled(false);
  const stats = await api('/api/v1/stats');
  await page.goto(URL + '/', { waitUntil: 'load' });
  const v = await readPage(page);
  check(/^snapshot at \d{4}-/.test(v.status), 'without JavaScript the page is a snapshot', v.status);
  check(JSON.stringify(shownView(v)) === JSON.stringify(statsView(stats)), 'snapshot numbers equal /api/v1/stats',
    `shown ${JSON.stringify(shownView(v))} want ${JSON.stringify(statsView(stats))}`);
  const evs = await api('/api/v1/events?min_level=err');
  check(JSON.stringify(v.events.map((e) => e.seq)) === JSON.stringify(evs.events.map((e) => String(e.seq))), 'snapshot lists the err-and-worse events');
  check(v.chart.length === 0, 'snapshot has no chart lines (the chart needs JavaScript)');
  await page.close();
}

(async () => {
  let browser, dir;
  try {
    ({ browser, dir } = await launch(false));
    ok(`launched ${await browser.version()}`);
    await livePage(browser);
    if (BROWSER !== 'firefox') {
      await staticPage(browser);
    } else if (process.env.LT_FIREFOX_SNAPSHOT) {
      // A second Firefox start costs seconds on a busy machine, and the snapshot is the same
      // server-rendered HTML chromium checks, so this is opt-in.
      await browser.close();
      fs.rmSync(dir, { recursive: true, force: true });
      ({ browser, dir } = await launch(true));
      await staticPage(browser);
    }
  } catch (e) {
    fail(`browser test aborted: ${e.stack || e}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
})();
