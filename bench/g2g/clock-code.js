// The clock drawn into speaker A's picture and read back from the program in speaker B's page,
// for bench/glass-to-glass.sh. Evaluated in both pages (through the DevTools protocol) before
// speaker.js: defines window.G2G.
//
// The picture (16:9): a magenta frame (not the green outline of the active speaker's tile) around
// 8 x 4 black (1) or white (0) cells, two rows above and two below the middle, where the program
// draws the tile's name label. The 32 bits: the wall clock in whole milliseconds modulo 2^24
// (performance.timeOrigin + performance.now(), the same clock in every page of the machine), then
// 8 check bits. At 320x180 (A's tile in a 640x360 program with two speakers) a cell is about
// 35 x 23 pixels, which survives the scaling and H.264 at these bitrates.
(function () {
  'use strict';
  var COLS = 8;
  var X0 = 0.06, X1 = 0.94;                 // the grid's columns, as fractions of the picture's width
  var ROW_Y = [0.06, 0.20, 0.66, 0.80], ROW_H = 0.14;  // its rows, as fractions of the height
  var MOD = 1 << 24;

  function wallMs() { return performance.timeOrigin + performance.now(); }

  function check(v) { return ((v & 255) ^ ((v >> 8) & 255) ^ ((v >> 16) & 255) ^ 0x5a) & 255; }

  function bits(v) {
    var word = ((v & (MOD - 1)) * 256 + check(v)), out = [];
    for (var i = 31; i >= 0; i--) out.push(Math.floor(word / Math.pow(2, i)) % 2);
    return out;
  }

  function cell(i, x, y, w, h) {  // cell i's rectangle inside the picture at (x, y, w, h)
    var cw = (X1 - X0) * w / COLS;
    return { x: x + X0 * w + (i % COLS) * cw, y: y + ROW_Y[Math.floor(i / COLS)] * h, w: cw, h: ROW_H * h };
  }

  // Draws the code of `ms` on a 2D context of size w x h.
  function draw(g, w, h, ms) {
    g.fillStyle = 'rgb(220,0,220)';
    g.fillRect(0, 0, w, h);
    var b = bits(Math.floor(ms) % MOD);
    for (var i = 0; i < 32; i++) {
      var c = cell(i, 0, 0, w, h);
      g.fillStyle = b[i] ? '#000' : '#fff';
      g.fillRect(Math.round(c.x), Math.round(c.y), Math.ceil(c.w), Math.ceil(c.h));
    }
  }

  // The code in RGBA pixels `d` (width dw) of a picture whose drawn code sits at (x, y, w, h);
  // null when the check bits do not match (a picture in between, or no code there).
  function read(d, dw, x, y, w, h) {
    var word = 0;
    for (var i = 0; i < 32; i++) {
      var c = cell(i, x, y, w, h), sum = 0, n = 0;
      for (var py = Math.round(c.y + c.h * 0.3); py <= Math.round(c.y + c.h * 0.7); py++) {
        for (var px = Math.round(c.x + c.w * 0.3); px <= Math.round(c.x + c.w * 0.7); px++) {
          var k = (py * dw + px) * 4;
          sum += d[k] * 0.299 + d[k + 1] * 0.587 + d[k + 2] * 0.114;
          n++;
        }
      }
      word = word * 2 + (n && sum / n < 128 ? 1 : 0);
    }
    var v = Math.floor(word / 256), chk = word % 256;
    return check(v) === chk ? v : null;
  }

  // Milliseconds from the code `v` to the wall-clock time `wall` (ms), modulo 2^24.
  function age(v, wall) { return (((wall - v) % MOD) + MOD) % MOD; }

  // The bounding box of the magenta frame in RGBA pixels `d` of a w x h picture, or null.
  function findFrame(d, w, h) {
    var x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (var y = 0; y < h; y += 2) {
      for (var x = 0; x < w; x += 2) {
        var k = (y * w + x) * 4;
        if (d[k] > 150 && d[k + 2] > 150 && d[k + 1] < 90) {
          if (x < x0) x0 = x; if (x > x1) x1 = x;
          if (y < y0) y0 = y; if (y > y1) y1 = y;
        }
      }
    }
    return x1 - x0 < 40 || y1 - y0 < 24 ? null : { x: x0, y: y0, w: x1 - x0 + 2, h: y1 - y0 + 2 };
  }

  // The boxes of the separate magenta regions of RGBA pixels `d` (w x h), largest first, found on a
  // 2-pixel grid (4-connected). Other speakers' tiles may show magenta too (FFmpeg's testsrc2, which
  // the load bench's light speakers send, is about 15 % magenta), so a reader tries these in turn and
  // keeps the one whose code reads; findFrame's single bounding box would span them all.
  function findFrames(d, w, h) {
    var gw = w >> 1, gh = h >> 1, mask = new Uint8Array(gw * gh), stack = new Int32Array(gw * gh), out = [];
    for (var gy = 0; gy < gh; gy++) {
      for (var gx = 0; gx < gw; gx++) {
        var k = (gy * 2 * w + gx * 2) * 4;
        mask[gy * gw + gx] = d[k] > 150 && d[k + 2] > 150 && d[k + 1] < 90 ? 1 : 0;
      }
    }
    for (var i = 0; i < mask.length; i++) {
      if (mask[i] !== 1) continue;
      var top = 0, n = 0, x0 = gw, y0 = gh, x1 = -1, y1 = -1;
      mask[i] = 2;
      stack[top++] = i;
      while (top > 0) {
        var j = stack[--top], x = j % gw, y = (j - x) / gw;
        n++;
        if (x < x0) x0 = x; if (x > x1) x1 = x;
        if (y < y0) y0 = y; if (y > y1) y1 = y;
        if (x > 0 && mask[j - 1] === 1) { mask[j - 1] = 2; stack[top++] = j - 1; }
        if (x < gw - 1 && mask[j + 1] === 1) { mask[j + 1] = 2; stack[top++] = j + 1; }
        if (y > 0 && mask[j - gw] === 1) { mask[j - gw] = 2; stack[top++] = j - gw; }
        if (y < gh - 1 && mask[j + gw] === 1) { mask[j + gw] = 2; stack[top++] = j + gw; }
      }
      if ((x1 - x0) * 2 >= 40 && (y1 - y0) * 2 >= 24) out.push({ x: x0 * 2, y: y0 * 2, w: (x1 - x0) * 2 + 2, h: (y1 - y0) * 2 + 2, n: n });
    }
    return out.sort(function (a, b) { return b.n - a.n; });
  }

  window.G2G = { wallMs: wallMs, draw: draw, read: read, age: age, findFrame: findFrame, findFrames: findFrames, MOD: MOD };
})();
