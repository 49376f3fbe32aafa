// Runs bench.html in headless Chromium once per renderer and load, and prints the frame times.
// Usage: node bench/overlay/run.mjs [--ns 200,1000] [--renderers a,b] [--measure 10000] [--chromium PATH]
import http from 'node:http';
import { spawn } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const playerDir = path.resolve(here, '../../player/src/main/resources/amphi-player');
const peerFile = path.resolve(here, 'node_modules/danmaku/dist/danmaku.min.js');
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? acc.concat([[a.slice(2), all[i + 1]]]) : acc, []));
const ns = (args.ns || '200,1000').split(',').map(Number);
const renderers = (args.renderers || 'amphi-canvas,danmaku-canvas,amphi-dom,danmaku-dom').split(',');
const measure = Number(args.measure || 10000);
const chromium = args.chromium || '/usr/bin/chromium';

const files = {
  '/bench.html': [path.join(here, 'bench.html'), 'text/html'],
  '/bench.js': [path.join(here, 'bench.js'), 'text/javascript'],
  '/player/overlay.js': [path.join(playerDir, 'overlay.js'), 'text/javascript'],
  '/peer/danmaku.min.js': [peerFile, 'text/javascript'],
};

let pending = null;
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (req.method === 'POST' && url.pathname === '/result') {
    let body = '';
    for await (const chunk of req) body += chunk;
    res.end('ok');
    if (pending) pending(JSON.parse(body));
    return;
  }
  const file = files[url.pathname];
  if (!file) { res.statusCode = 404; res.end(); return; }
  try {
    res.setHeader('Content-Type', file[1]);
    res.end(await readFile(file[0]));
  } catch (e) {
    res.statusCode = 500;
    res.end(String(e));
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const port = server.address().port;

async function runOne(renderer, n) {
  const profile = await mkdtemp(path.join(tmpdir(), 'amphi-overlay-bench-'));
  const url = `http://127.0.0.1:${port}/bench.html?renderer=${renderer}&n=${n}&measure=${measure}`;
  const browser = spawn(chromium, ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
    '--window-size=1280,720', '--hide-scrollbars', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, url],
  { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  browser.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  try {
    return await new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`no result from ${url} in time; chromium said: ${stderr}`)),
        measure + 60000);
      pending = (r) => { clearTimeout(timer); ok(r); };
      browser.on('exit', (code) => { clearTimeout(timer); fail(new Error(`chromium exited ${code}: ${stderr}`)); });
    });
  } finally {
    pending = null;
    browser.removeAllListeners('exit');
    browser.kill('SIGTERM');
    await new Promise((ok) => browser.once('close', ok).once('error', ok));
    await rm(profile, { recursive: true, force: true });
  }
}

const results = [];
for (const n of ns) {
  for (const r of renderers) {
    const res = await runOne(r, n);
    results.push(res);
    console.log(`${r.padEnd(15)} n=${String(n).padEnd(5)} on screen ${String(res.onScreen).padEnd(5)} `
      + `frames ${String(res.frames).padEnd(4)} p50 ${res.p50.toFixed(1)} ms  p95 ${res.p95.toFixed(1)} ms  max ${res.max.toFixed(1)} ms`);
  }
}
if (results[0]) console.log(`browser: ${results[0].userAgent}`);
server.close();
