// The report of bench/glass-to-glass.sh: glass-to-glass percentiles from B's samples and the time
// per stage (A's and B's getStats over the window, the server's -Damphi.latencyTrace lines in it).
// Usage: node report.mjs BROWSERS.json TRACE.txt META.txt OUT_PREFIX  (writes OUT_PREFIX.json and .md)
import { readFile, writeFile } from 'node:fs/promises';

const [browsersFile, traceFile, metaFile, outPrefix] = process.argv.slice(2);
const r = JSON.parse(await readFile(browsersFile, 'utf8'));
const meta = (await readFile(metaFile, 'utf8')).trim();
const traceText = await readFile(traceFile, 'utf8').catch(() => '');
const MOD = 1 << 24;
const age = (code, wall) => (((wall - code) % MOD) + MOD) % MOD;

function pct(values, p) {
  if (!values.length) return NaN;
  const s = [...values].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p / 100 * s.length) - 1))];
}
const mean = (v) => v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
const summary = (v) => ({ n: v.length, mean: mean(v), p50: pct(v, 50), p95: pct(v, 95), p99: pct(v, 99), max: v.length ? Math.max(...v) : NaN });
const f = (x) => Number.isFinite(x) ? x.toFixed(1) : '–';

// ---- glass to glass, per sample
const s = r.samples;
const g2g = summary(s.map((x) => age(x.code, x.display)));
const atCallback = summary(s.map((x) => age(x.code, x.now)));
const withReceive = s.filter((x) => x.receive);
const toReceive = summary(withReceive.map((x) => age(x.code, x.receive)));
const receiveToDisplay = summary(withReceive.map((x) => x.display - x.receive));

// ---- browsers' getStats over the window
function delta(side, type, num, den, scale = 1000) {
  const a = r.statsBefore[side]?.[type], b = r.statsAfter[side]?.[type];
  if (!a || !b || b[den] === undefined || b[den] - a[den] <= 0) return NaN;
  return (b[num] - a[num]) / (b[den] - a[den]) * scale;
}
const secs = (r.end - r.start) / 1000;
const perSec = (side, type, k) => {
  const a = r.statsBefore[side]?.[type], b = r.statsAfter[side]?.[type];
  return a && b ? (b[k] - a[k]) / secs : NaN;
};
const A = {
  encode: delta('a', 'outbound-rtp', 'totalEncodeTime', 'framesEncoded'),
  pacer: delta('a', 'outbound-rtp', 'totalPacketSendDelay', 'packetsSent'),
  fps: perSec('a', 'outbound-rtp', 'framesEncoded'),
  kbps: perSec('a', 'outbound-rtp', 'bytesSent') * 8 / 1000,
  size: `${r.statsAfter.a?.['outbound-rtp']?.frameWidth}x${r.statsAfter.a?.['outbound-rtp']?.frameHeight}`,
  codec: r.statsAfter.a?.['outbound-rtp']?.encoderImplementation,
  limitation: r.statsAfter.a?.['outbound-rtp']?.qualityLimitationReason,
};
const B = {
  jitter: delta('b', 'inbound-rtp', 'jitterBufferDelay', 'jitterBufferEmittedCount'),
  target: delta('b', 'inbound-rtp', 'jitterBufferTargetDelay', 'jitterBufferEmittedCount'),
  decode: delta('b', 'inbound-rtp', 'totalDecodeTime', 'framesDecoded'),
  processing: delta('b', 'inbound-rtp', 'totalProcessingDelay', 'framesDecoded'),
  assembly: delta('b', 'inbound-rtp', 'totalAssemblyTime', 'framesAssembledFromMultiplePackets'),
  fps: perSec('b', 'inbound-rtp', 'framesDecoded'),
  kbps: perSec('b', 'inbound-rtp', 'bytesReceived') * 8 / 1000,
  dropped: perSec('b', 'inbound-rtp', 'framesDropped') * secs,
  freezes: perSec('b', 'inbound-rtp', 'freezeCount') * secs,
  nacks: perSec('b', 'inbound-rtp', 'nackCount') * secs,
  size: `${r.statsAfter.b?.['inbound-rtp']?.frameWidth}x${r.statsAfter.b?.['inbound-rtp']?.frameHeight}`,
  rtt: (r.statsAfter.b?.pair?.currentRoundTripTime ?? NaN) * 1000,
};

// ---- the server's stages in the window (lines "STAGE EPOCH_MS MICROS")
const stageNames = ['queue', 'decode', 'wait', 'tick', 'compose', 'encode', 'send.queue', 'send'];
const byStage = Object.fromEntries(stageNames.map((n) => [n, []]));
const SENDER = 'clock';  // A's speaker id (its name, Clock, in lower case): the speaker stages are A's only
for (const line of traceText.split('\n')) {
  let [stage, at, us] = line.split(' ');
  if (stage && stage.includes(':')) {
    const [name, speaker] = stage.split(':');
    if (speaker !== SENDER) continue;
    stage = name;
  }
  if (byStage[stage] && Number(at) >= r.start && Number(at) <= r.end) byStage[stage].push(Number(us) / 1000);
}
const server = Object.fromEntries(stageNames.map((n) => [n, summary(byStage[n])]));
const serverMean = stageNames.reduce((a, n) => a + (Number.isFinite(server[n].mean) ? server[n].mean : 0), 0);
const toReceiveMean = toReceive.mean;
const light = r.sender === 'light';  // A is bench-tools' ClockSpeaker, not a browser: no getStats of A
const residual = toReceiveMean - (light ? 0 : A.encode + A.pacer) - serverMean;
const bRender = receiveToDisplay.mean - B.processing;

const rows = [
  ...(light ? [
    ['A (light clock speaker): draw + x264 encode + send, network to the server, B\'s network receive (rest: A→B receive minus the server\'s stages; A\'s own part is in its CLOCK lines)', residual, '', ''],
  ] : [
    ['A: canvas capture + network to the server + B\'s network receive (rest: A→B receive minus the measured stages)', residual, '', ''],
    ['A: encode (outbound-rtp totalEncodeTime / framesEncoded)', A.encode, '', ''],
    ['A: pacer (outbound-rtp totalPacketSendDelay / packetsSent)', A.pacer, '', ''],
  ]),
  ['server: frame handed over by the transport → speaker decode starts (queue)', server.queue.mean, server.queue.p50, server.queue.p95],
  ['server: decode + scale to the tile (decode)', server.decode.mean, server.decode.p50, server.decode.p95],
  ['server: decoded → due on the program clock: the speaker jitter buffer (wait)', server.wait.mean, server.wait.p50, server.wait.p95],
  ['server: due → the program frame that shows it (tick, ≤ 1/fps)', server.tick.mean, server.tick.p50, server.tick.p95],
  ['server: program frame time → composited, handed to the rendition (compose)', server.compose.mean, server.compose.p50, server.compose.p95],
  ['server: interactive encode: queue, scale, x264 (encode)', server.encode.mean, server.encode.p50, server.encode.p95],
  ['server: encoded → the peer\'s send call (send.queue)', server['send.queue'].mean, server['send.queue'].p50, server['send.queue'].p95],
  ['server: packetize, SRTP, UDP send (send)', server.send.mean, server.send.p50, server.send.p95],
  ['B: jitter buffer (inbound-rtp jitterBufferDelay / emitted)', B.jitter, '', ''],
  ['B: decode (inbound-rtp totalDecodeTime / framesDecoded)', B.decode, '', ''],
  ['B: receive → decoded (totalProcessingDelay / framesDecoded: jitter buffer + decode)', B.processing, '', ''],
  ['B: decoded → display (rVFC expectedDisplayTime − receiveTime − processing)', bRender, '', ''],
];
const verdict = (v, goal) => `${f(v)} ms (goal ≤ ${goal} ms: ${v <= goal ? 'met' : 'MISSED'})`;
const md = [
  `### Glass to glass ${new Date(r.start).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  '', '```', meta, `chromium UA: ${r.chromium}`, '```', '',
  `Samples: ${g2g.n} (one per new code; ${r.presented} program frames presented in ${secs.toFixed(0)} s, `
    + `${r.repeats} showed the previous code again, ${r.unreadable} unreadable). A's picture at ${JSON.stringify(r.box)} `
    + `of the ${r.programSize.join('x')} program.`, '',
  ...(g2g.n < 300 ? [`**Not a valid result: ${g2g.n} samples, fewer than 300** (an overloaded program sheds tile video `
    + 'down to keyframes, and a WebRTC speaker sends keyframes only when asked: A\'s tile then shows its placeholder; see `overload` above).', ''] : []),
  `**p50 ${verdict(g2g.p50, 400)}, p95 ${verdict(g2g.p95, 600)}**, p99 ${f(g2g.p99)} ms, max ${f(g2g.max)} ms, mean ${f(g2g.mean)} ms `
    + `(to B's expectedDisplayTime; at the rVFC callback: p50 ${f(atCallback.p50)}, p95 ${f(atCallback.p95)}).`, '',
  `A's clock → B received the frame (rVFC receiveTime): p50 ${f(toReceive.p50)}, p95 ${f(toReceive.p95)}, mean ${f(toReceive.mean)} ms; `
    + `B received → display: p50 ${f(receiveToDisplay.p50)}, p95 ${f(receiveToDisplay.p95)}, mean ${f(receiveToDisplay.mean)} ms.`, '',
  '| stage | mean ms | p50 ms | p95 ms |', '|---|---|---|---|',
  ...rows.map(([n, m, p50, p95]) => `| ${n} | ${f(m)} | ${p50 === '' ? '' : f(p50)} | ${p95 === '' ? '' : f(p95)} |`),
  '',
  (light ? 'A: the light clock speaker (bench-tools ClockSpeaker: x264, 320x180, 30 fps, 300 kbit/s); '
    : `A sent ${A.size} at ${f(A.fps)} fps, ${f(A.kbps)} kbit/s (${A.codec}, quality limitation: ${A.limitation}); `)
    + `B decoded ${B.size} at ${f(B.fps)} fps, ${f(B.kbps)} kbit/s, dropped ${f(B.dropped)}, freezes ${f(B.freezes)}, NACKs ${f(B.nacks)}, `
    + `jitter buffer target ${f(B.target)} ms, RTT ${f(B.rtt)} ms. Server trace samples in the window: `
    + stageNames.map((n) => `${n} ${server[n].n}`).join(', ') + '.',
].join('\n');
console.log(md);
await writeFile(`${outPrefix}.md`, md + '\n');
await writeFile(`${outPrefix}.json`, JSON.stringify({ meta, g2g, atCallback, toReceive, receiveToDisplay, A, B, server,
  residual, presented: r.presented, repeats: r.repeats, unreadable: r.unreadable, samples: r.samples }, null, 1));
