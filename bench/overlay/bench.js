// One run of the overlay benchmark in the page: ?renderer=amphi-canvas|amphi-dom|danmaku-canvas|danmaku-dom
// &n=ON_SCREEN&warmup=MS&measure=MS. Keeps n comments on screen (a new one whenever the count
// drops below n), the same seeded texts, colours, font and crossing time (5 s) for every
// renderer, and records requestAnimationFrame deltas; the result is POSTed to /result.
(function () {
  'use strict';
  var q = new URLSearchParams(location.search);
  var renderer = q.get('renderer');
  var target = Number(q.get('n') || 200);
  var warmup = Number(q.get('warmup') || 4000);
  var measure = Number(q.get('measure') || 10000);
  var stage = document.getElementById('stage');
  var W = stage.clientWidth;
  var CROSS_S = 5;
  var COLORS = ['#ffffff', '#fe0302', '#ff7204', '#ffd302', '#00cd00', '#89d5ff', '#4266be', '#cc0273'];
  var WORDS = ['great talk', '👏👏👏', 'so true', '666', 'can you share the slides?', 'hello from Lyon',
    '这个讲得好', '🎉', 'lol', 'wait what', 'question: what about latency?', 'first time here',
    'ナイス', '❤️❤️', 'the demo worked!', '+1', 'audio is fine now', 'Привет', '😂😂😂', 'next slide please'];
  var seed = 42;
  function rand() { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; }
  function nextComment(i) {
    var text = WORDS[Math.floor(rand() * WORDS.length)];
    if (rand() < 0.5) text += ' ' + i;
    return { id: String(i), text: text, color: COLORS[Math.floor(rand() * COLORS.length)] };
  }

  var emit, onScreen;
  if (renderer === 'amphi-canvas' || renderer === 'amphi-dom') {
    var overlay = AmphiOverlay.create(stage, { backend: renderer === 'amphi-dom' ? 'dom' : 'canvas',
      whenFull: 'stack', settings: { maxOnScreen: 100000 } });
    emit = function (c) { overlay.add(c); };
    onScreen = function () { return overlay.stats.onScreen; };
  } else if (renderer === 'danmaku-canvas' || renderer === 'danmaku-dom') {
    var canvas = renderer === 'danmaku-canvas';
    var peer = new Danmaku({ container: stage, engine: canvas ? 'canvas' : 'dom', speed: W / CROSS_S });
    emit = function (c) {
      peer.emit({ text: c.text, mode: 'rtl', style: canvas
        ? { font: '600 24px system-ui, sans-serif', fillStyle: c.color, strokeStyle: 'rgba(0,0,0,.75)', lineWidth: 3 }
        : { font: '600 24px system-ui, sans-serif', color: c.color, textShadow: '0 0 2px #000, 0 0 2px #000' } });
    };
    onScreen = function () { return peer._.runningList.length; };
  } else {
    throw new Error('unknown renderer ' + renderer);
  }

  var count = 0;
  var deltas = [];
  var counts = [];
  var last = null;
  var t0 = performance.now();
  function frame(ts) {
    var elapsed = ts - t0;
    if (last !== null && elapsed > warmup) {
      deltas.push(ts - last);
      counts.push(onScreen());
    }
    last = ts;
    // a few new comments per frame at most, as a live room delivers them
    for (var k = 0; k < 40 && onScreen() + k < target; k++) emit(nextComment(count++));
    if (elapsed < warmup + measure) {
      requestAnimationFrame(frame);
    } else {
      finish();
    }
  }
  function pct(sorted, p) { return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]; }
  function finish() {
    var s = deltas.slice().sort(function (a, b) { return a - b; });
    var meanOn = counts.reduce(function (a, b) { return a + b; }, 0) / Math.max(1, counts.length);
    var result = { renderer: renderer, n: target, frames: s.length, p50: pct(s, 0.5), p95: pct(s, 0.95),
      max: s[s.length - 1], onScreen: Math.round(meanOn), emitted: count, userAgent: navigator.userAgent };
    fetch('/result', { method: 'POST', body: JSON.stringify(result) });
  }
  requestAnimationFrame(frame);
})();
