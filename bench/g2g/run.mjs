// The browsers of bench/glass-to-glass.sh: two headless Chromium speakers on a running server's
// speaker page, driven through the DevTools protocol (Node's WebSocket: run with
// `node --experimental-websocket`). A sends the clock code, B reads it back from the program;
// after --warmup seconds B's samples are recorded for --measure seconds, the two browsers'
// getStats are read at the window's start and end, and everything is written as JSON to --out.
// With --sender light, A is not a browser: the clock comes from a speaker already in the room
// (bench-tools' ClockSpeaker, started by bench/webrtc-load.sh), and only B is opened.
// Usage: node --experimental-websocket run.mjs --base http://127.0.0.1:PORT --room ROOM --key KEY
//        --out FILE [--warmup 15] [--measure 30] [--chromium /usr/bin/chromium] [--profiles DIR]
//        [--sender chromium|light] [--go FILE (the warm-up ends when FILE exists, not after --warmup)]
import { spawn } from 'node:child_process';
import { access, readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? acc.concat([[a.slice(2), all[i + 1]]]) : acc, []));
for (const k of ['base', 'room', 'key', 'out']) if (!args[k]) throw new Error(`--${k} is required`);
const warmup = Number(args.warmup || 15), measure = Number(args.measure || 30);
const chromium = args.chromium || '/usr/bin/chromium';
const sender = args.sender || 'chromium';
if (sender !== 'chromium' && sender !== 'light') throw new Error(`--sender is chromium or light, got ${sender}`);
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const log = (m) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

/** One browser: its process and a DevTools session on its page. */
async function open(name) {
  const profile = await mkdtemp(path.join(args.profiles || tmpdir(), `amphi-g2g-${name}-`));
  const url = `${args.base}/join/${encodeURIComponent(args.room)}`;
  const proc = spawn(chromium, ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
    '--autoplay-policy=no-user-gesture-required', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    '--allow-loopback-in-peer-connection', '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows', '--mute-audio', '--window-size=1280,900', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--remote-debugging-port=0',
    `--user-data-dir=${profile}`, url], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const port = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${name}: no DevTools port; chromium said: ${stderr}`)), 30000);
    proc.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
      const m = stderr.match(/DevTools listening on ws:\/\/[^:]+:(\d+)\//);
      if (m) { clearTimeout(timer); ok(Number(m[1])); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); fail(new Error(`${name}: chromium exited ${code}: ${stderr}`)); });
  });
  let page = null;
  for (let i = 0; i < 100 && !page; i++) {
    const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
    page = list.find((t) => t.type === 'page' && t.url.startsWith(args.base));
    if (!page) await sleep(100);
  }
  if (!page) throw new Error(`${name}: the speaker page did not open`);
  const ws = new WebSocket(page.webSocketDebuggerUrl);
  await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = () => fail(new Error(`${name}: DevTools socket failed`)); });
  let id = 0;
  const waiting = new Map();
  ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    const w = waiting.get(msg.id);
    if (w) { waiting.delete(msg.id); msg.error ? w.fail(new Error(JSON.stringify(msg.error))) : w.ok(msg.result); }
  };
  const send = (method, params) => new Promise((ok, fail) => {
    const n = ++id;
    waiting.set(n, { ok, fail });
    ws.send(JSON.stringify({ id: n, method, params }));
  });
  /** Evaluates `expr` in the page, awaiting a promise, and returns its value. */
  const js = async (expr) => {
    const r = await send('Runtime.evaluate', { expression: expr, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails) throw new Error(`${name}: ${r.exceptionDetails.exception?.description || r.exceptionDetails.text}`);
    return r.result.value;
  };
  const close = async () => {
    try { ws.close(); } catch (e) { /* gone */ }
    proc.kill('SIGTERM');
    await new Promise((ok) => { if (proc.exitCode !== null) ok(); else proc.once('exit', ok); });
    await rm(profile, { recursive: true, force: true });
  };
  return { name, js, close, pid: proc.pid };
}

/** Saves the program as B's page shows it now to a PNG next to the profiles; returns its path. */
async function snapshot(b) {
  const png = await b.js(`(function () { var v = document.getElementById('program'), c = document.createElement('canvas');
    c.width = v.videoWidth || 16; c.height = v.videoHeight || 16; c.getContext('2d').drawImage(v, 0, 0);
    return c.toDataURL('image/png'); })()`);
  const file = path.join(args.profiles || tmpdir(), 'program.png');
  await writeFile(file, Buffer.from(png.split(',')[1], 'base64'));
  return file;
}

const scripts = (await readFile(path.join(here, 'clock-code.js'), 'utf8')) + '\n'
  + (await readFile(path.join(here, 'speaker.js'), 'utf8'));
const browsers = [];
let result;
try {
  const a = sender === 'chromium' ? await open('A') : null;
  if (a) browsers.push(a);
  const b = await open('B');
  browsers.push(b);
  for (const br of browsers) {
    for (let i = 0; i < 300; i++) {
      // the page's own camera preview first: setSource before it would be undone by it
      if (await br.js(`!!(window.amphiJoin && window.amphiJoin.local && document.readyState === 'complete')`)) break;
      await sleep(100);
    }
    await br.js(scripts);
  }
  if (a) {
    await a.js(`G2GSpeaker.join('sender', 'Clock', ${JSON.stringify(args.key)})`);
    log('A joined and sends the clock');
  }
  await b.js(`G2GSpeaker.join('receiver', 'Reader', ${JSON.stringify(args.key)})`);
  log('B joined and reads the program');
  for (let i = 0; ; i++) {
    const st = await b.js(`({frames: G2GSpeaker.frames, box: G2GSpeaker.box, code: G2GSpeaker.lastCode})`);
    if (st.code !== null) { log(`B reads A's clock (A's picture at ${JSON.stringify(st.box)} of the program)`); break; }
    if (i > 600) {
      const file = await snapshot(b);
      const sent = a ? (await a.js('G2GSpeaker.stats()'))['outbound-rtp'] || {} : {};
      throw new Error(`B never read A's clock from the program (its last frame: ${file}): ${JSON.stringify(st)}; `
        + (a ? `A sent ${sent.framesEncoded} frames, ${sent.packetsSent} packets, ${sent.frameWidth}x${sent.frameHeight}; `
        + `A: ${await a.js('G2GSpeaker.sending()')}` : 'A is the light clock speaker (see its log)'));
    }
    await sleep(100);
  }
  if (args.go) {
    log(`warm-up until ${args.go} exists`);
    for (const t0 = Date.now(); ; await sleep(200)) {
      if (await access(args.go).then(() => true, () => false)) break;
      if (Date.now() - t0 > 3600e3) throw new Error(`${args.go} did not appear in an hour`);
    }
  } else {
    log(`warm-up ${warmup} s`);
    await sleep(warmup * 1000);
  }
  const statsBefore = { a: a ? await a.js('G2GSpeaker.stats()') : null, b: await b.js('G2GSpeaker.stats()') };
  const counts0 = await b.js(`(G2GSpeaker.recording = true, {frames: G2GSpeaker.frames, unreadable: G2GSpeaker.unreadable, repeats: G2GSpeaker.repeats})`);
  const start = Date.now();
  log(`measuring ${measure} s`);
  await sleep(measure * 1000);
  const counts1 = await b.js(`(G2GSpeaker.recording = false, {frames: G2GSpeaker.frames, unreadable: G2GSpeaker.unreadable, repeats: G2GSpeaker.repeats})`);
  const end = Date.now();
  const statsAfter = { a: a ? await a.js('G2GSpeaker.stats()') : null, b: await b.js('G2GSpeaker.stats()') };
  log(`the program as B shows it: ${await snapshot(b)}`);
  const bad = await b.js('G2GSpeaker.unreadableFrames');
  for (let i = 0; i < bad.length; i++) {
    await writeFile(path.join(args.profiles || tmpdir(), `unreadable-${i}.png`), Buffer.from(bad[i].split(',')[1], 'base64'));
  }
  const samples = await b.js('G2GSpeaker.samples');
  const box = await b.js('G2GSpeaker.box');
  const size = await b.js(`[document.getElementById('program').videoWidth, document.getElementById('program').videoHeight]`);
  result = { start, end, samples, statsBefore, statsAfter, box, programSize: size,
    presented: counts1.frames - counts0.frames, unreadable: counts1.unreadable - counts0.unreadable,
    repeats: counts1.repeats - counts0.repeats, chromium: await b.js('navigator.userAgent'), sender };
  log(`${samples.length} samples`);
} finally {
  for (const br of browsers.reverse()) await br.close();
}
await writeFile(args.out, JSON.stringify(result));
