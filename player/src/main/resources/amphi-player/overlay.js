// The danmaku overlay: comments scroll right to left in lanes that never overlap, or stay pinned
// at the top or bottom for PINNED_MS. Drawn on one <canvas> (each comment's text drawn once with
// fillText into its own small bitmap, then copied at whole-pixel positions every frame), chosen by
// bench/overlay; a DOM backend (one element per comment, text set with textContent) exists for
// that benchmark. Text is never parsed as HTML.
//
// Density: a scrolling comment that finds no free lane waits up to WAIT_MS for one, then it is
// dropped (counted in stats.dropped); at most settings.maxOnScreen are on screen, and that
// ceiling shrinks by itself while frames are slow (p95 over 25 ms), so the overlay never takes
// the frame time the video and hls.js need.
(function (root) {
  'use strict';

  var PINNED_MS = 4000;
  var WAIT_MS = 1000;
  var GAP_PX = 16;
  var CROSS_MS = 5000; // a comment crosses the stage in about this at speed 1
  var SIZES = { small: 0.75, medium: 1, large: 1.35 };
  var AREAS = { quarter: 0.25, half: 0.5, full: 1 };
  var DEFAULTS = { enabled: true, area: 'full', opacity: 1, size: 'medium', speed: 1, maxOnScreen: 400 };

  /** Base font size in CSS pixels for a stage of this height (24 px on a 720 px stage). */
  function fontPx(stageHeight, size) {
    return Math.max(12, Math.round(24 * Math.max(0.6, stageHeight / 720) * (SIZES[size] || 1)));
  }

  /**
   * Can comment c (width w, crossing ms d) start at the right edge of a stage W wide at time now
   * behind lane's last comment (x at now, width, speed px/ms)? Its tail must be GAP_PX inside the
   * stage, and c must not reach the left edge before that tail leaves it: then c never catches it.
   */
  function laneFree(last, W, w, d, now) {
    if (!last) return true;
    var x = last.x0 - last.v * (now - last.start);
    var tail = x + last.w;
    if (tail + GAP_PX > W) return false;
    var v = (W + w) / d;
    return W / v >= tail / last.v;
  }

  function Overlay(container, options) {
    options = options || {};
    this.container = container;
    this.backend = options.backend === 'dom' ? 'dom' : 'canvas';
    this.whenFull = options.whenFull === 'stack' ? 'stack' : 'drop'; // 'stack': benchmark only
    this.now = options.now || function () { return performance.now(); };
    this.settings = {};
    this.active = [];
    this.waiting = [];
    this.scrollLanes = [];
    this.stats = { shown: 0, dropped: 0, onScreen: 0, ceiling: 0 };
    this.paused = false;
    this.clock = 0; // overlay time in ms: stands still while the video is paused
    this.lastFrame = null;
    this.frameTimes = [];
    this.raf = null;
    this.layer = document.createElement(this.backend === 'canvas' ? 'canvas' : 'div');
    this.layer.className = 'danmaku-layer';
    this.layer.setAttribute('aria-hidden', 'true');
    container.appendChild(this.layer);
    if (this.backend === 'canvas') this.ctx = this.layer.getContext('2d');
    this.configure(Object.assign({}, DEFAULTS, options.settings || {}));
    var self = this;
    this.frame = function (ts) { self.tick(ts); };
    if (root.ResizeObserver) new ResizeObserver(function () { self.resize(); }).observe(container);
  }

  Overlay.prototype.configure = function (settings) {
    Object.assign(this.settings, settings);
    this.stats.ceiling = this.settings.maxOnScreen;
    this.layer.style.opacity = String(this.settings.opacity);
    this.layer.hidden = !this.settings.enabled;
    if (!this.settings.enabled) this.clear();
    this.resize();
  };

  Overlay.prototype.resize = function () {
    var W = this.container.clientWidth;
    var H = this.container.clientHeight;
    if (W === this.W && H === this.H && this.font === fontPx(H, this.settings.size)) return;
    this.W = W;
    this.H = H;
    this.font = fontPx(H, this.settings.size);
    this.laneH = Math.ceil(this.font * 1.3);
    this.dpr = root.devicePixelRatio || 1;
    if (this.backend === 'canvas') {
      this.layer.width = Math.round(W * this.dpr);
      this.layer.height = Math.round(H * this.dpr);
    }
    this.clear(); // sizes changed: sprites and lanes are stale
  };

  Overlay.prototype.lanes = function () {
    return Math.max(1, Math.floor(this.H * (AREAS[this.settings.area] || 1) / this.laneH));
  };

  Overlay.prototype.clear = function () {
    for (var i = 0; i < this.active.length; i++) this.dispose(this.active[i]);
    this.active = [];
    this.waiting = [];
    this.scrollLanes = [];
    this.stats.onScreen = 0;
    if (this.ctx) this.ctx.clearRect(0, 0, this.layer.width, this.layer.height);
  };

  /** Shows a comment {id, text, mode, color, own}; false when it is off or dropped. */
  Overlay.prototype.add = function (comment) {
    if (!this.settings.enabled || !this.W) return false;
    var item = {
      id: comment.id, text: String(comment.text), mode: comment.mode === 'top' || comment.mode === 'bottom'
        ? comment.mode : 'scroll', color: comment.color || '#ffffff', own: !!comment.own, since: this.clock
    };
    this.measure(item);
    if (!this.place(item)) {
      if (item.mode === 'scroll' && this.whenFull === 'drop') {
        this.waiting.push(item);
      } else {
        this.stats.dropped++;
        return false;
      }
    }
    this.schedule();
    return true;
  };

  Overlay.prototype.remove = function (id) {
    var keep = [];
    for (var i = 0; i < this.active.length; i++) {
      if (this.active[i].id === id) this.dispose(this.active[i]); else keep.push(this.active[i]);
    }
    this.active = keep;
    this.waiting = this.waiting.filter(function (w) { return w.id !== id; });
  };

  Overlay.prototype.measure = function (item) {
    var font = '600 ' + this.font + 'px system-ui, sans-serif';
    if (this.backend === 'canvas') {
      this.ctx.font = font;
      item.w = Math.ceil(this.ctx.measureText(item.text).width) + 4;
      item.h = this.laneH;
      var sw = Math.max(1, Math.ceil(item.w * this.dpr));
      var sh = Math.ceil(item.h * this.dpr);
      var sprite = root.OffscreenCanvas ? new OffscreenCanvas(sw, sh) : document.createElement('canvas');
      sprite.width = sw;
      sprite.height = sh;
      var c = sprite.getContext('2d');
      c.scale(this.dpr, this.dpr);
      c.font = font;
      c.textBaseline = 'middle';
      c.lineJoin = 'round';
      c.lineWidth = Math.max(2, this.font / 8);
      c.strokeStyle = 'rgba(0,0,0,.75)';
      c.strokeText(item.text, 2, item.h / 2);
      c.fillStyle = item.color;
      c.fillText(item.text, 2, item.h / 2);
      if (item.own) {
        c.strokeStyle = item.color;
        c.lineWidth = 1;
        c.strokeRect(0.5, 0.5, item.w - 1, item.h - 1);
      }
      // an ImageBitmap is drawn without taking a snapshot of a canvas each frame
      item.sprite = sprite.transferToImageBitmap ? sprite.transferToImageBitmap() : sprite;
    } else {
      var el = document.createElement('div');
      el.className = 'danmaku-item' + (item.own ? ' own' : '');
      el.textContent = item.text;
      el.style.font = font;
      el.style.color = item.color;
      el.style.lineHeight = this.laneH + 'px';
      this.layer.appendChild(el);
      item.w = Math.ceil(el.offsetWidth) + 4;
      item.h = this.laneH;
      item.el = el;
      el.style.visibility = 'hidden';
    }
  };

  Overlay.prototype.dispose = function (item) {
    if (item.el) item.el.remove();
    if (item.sprite && item.sprite.close) item.sprite.close();
    item.sprite = null;
  };

  Overlay.prototype.place = function (item) {
    if (this.active.length >= this.stats.ceiling) return false;
    var lanes = this.lanes();
    var now = this.clock;
    if (item.mode === 'scroll') {
      var d = CROSS_MS / (this.settings.speed || 1);
      var lane = -1;
      for (var i = 0; i < lanes; i++) {
        if (laneFree(this.scrollLanes[i], this.W, item.w, d, now)) { lane = i; break; }
      }
      if (lane < 0) {
        if (this.whenFull !== 'stack') return false;
        lane = this.stats.shown % lanes;
      }
      item.lane = lane;
      item.x0 = this.W;
      item.v = (this.W + item.w) / d;
      item.start = now;
      item.end = now + d;
      item.y = lane * this.laneH;
      this.scrollLanes[lane] = item;
    } else {
      // top rows count down from the top, bottom rows up from the bottom; a row is free when no
      // pinned comment of either kind still covers it
      var rows = Math.floor(this.H / this.laneH);
      var y = -1;
      for (var j = 0; j < rows && y < 0; j++) {
        var candidate = item.mode === 'top' ? j * this.laneH : this.H - (j + 1) * this.laneH;
        if (!this.pinnedAt(candidate, now)) { y = candidate; item.lane = j; }
      }
      if (y < 0) return false;
      item.x0 = Math.max(0, (this.W - item.w) / 2);
      item.v = 0;
      item.start = now;
      item.end = now + PINNED_MS;
      item.y = y;
    }
    if (item.el) item.el.style.visibility = '';
    this.active.push(item);
    this.stats.shown++;
    this.stats.onScreen = this.active.length;
    return true;
  };

  Overlay.prototype.pinnedAt = function (y, now) {
    for (var i = 0; i < this.active.length; i++) {
      var a = this.active[i];
      if (a.mode !== 'scroll' && a.end > now && a.y < y + this.laneH && y < a.y + a.h) return true;
    }
    return false;
  };

  Overlay.prototype.setPaused = function (paused) {
    this.paused = !!paused;
    this.lastFrame = null;
  };

  Overlay.prototype.schedule = function () {
    if (this.raf === null) this.raf = root.requestAnimationFrame(this.frame);
  };

  Overlay.prototype.tick = function (ts) {
    this.raf = null;
    if (this.lastFrame !== null) {
      var dt = Math.min(100, ts - this.lastFrame);
      if (!this.paused) this.clock += dt;
      this.adapt(dt);
    }
    this.lastFrame = ts;
    var now = this.clock;
    var keep = [];
    for (var i = 0; i < this.active.length; i++) {
      var item = this.active[i];
      if (item.end <= now) this.dispose(item); else keep.push(item);
    }
    this.active = keep;
    if (this.waiting.length) {
      var still = [];
      for (var w = 0; w < this.waiting.length; w++) {
        var c = this.waiting[w];
        if (this.place(c)) continue;
        if (now - c.since > WAIT_MS) { this.dispose(c); this.stats.dropped++; } else still.push(c);
      }
      this.waiting = still;
    }
    this.stats.onScreen = this.active.length;
    this.draw(now);
    if (this.active.length || this.waiting.length) this.schedule(); else this.lastFrame = null;
  };

  /** Slow frames (p95 of the last 60 over 25 ms) lower the ceiling; fast ones raise it back. */
  Overlay.prototype.adapt = function (dt) {
    this.frameTimes.push(dt);
    if (this.frameTimes.length < 60) return;
    var sorted = this.frameTimes.slice().sort(function (a, b) { return a - b; });
    var p95 = sorted[Math.floor(sorted.length * 0.95)];
    this.frameTimes = [];
    if (this.whenFull === 'stack') return; // the benchmark measures a fixed load
    if (p95 > 25) {
      this.stats.ceiling = Math.max(40, Math.floor(Math.min(this.stats.ceiling, this.active.length) * 0.8));
    } else if (p95 < 18) {
      this.stats.ceiling = Math.min(this.settings.maxOnScreen, this.stats.ceiling + 20);
    }
  };

  Overlay.prototype.x = function (item, now) {
    return Math.round(item.x0 - item.v * (now - item.start));
  };

  Overlay.prototype.draw = function (now) {
    var i, item;
    if (this.backend === 'canvas') {
      var ctx = this.ctx;
      var dpr = this.dpr;
      ctx.clearRect(0, 0, this.layer.width, this.layer.height);
      ctx.imageSmoothingEnabled = false; // whole-pixel copies, no filtering
      for (i = 0; i < this.active.length; i++) {
        item = this.active[i];
        ctx.drawImage(item.sprite, Math.round(this.x(item, now) * dpr), Math.round(item.y * dpr));
      }
    } else {
      for (i = 0; i < this.active.length; i++) {
        item = this.active[i];
        item.el.style.transform = 'translate(' + this.x(item, now) + 'px,' + item.y + 'px)';
      }
    }
  };

  /** What is on screen now, {id, text, mode, lane, x, y, w, h}: for tests and the console. */
  Overlay.prototype.boxes = function () {
    var now = this.clock;
    var self = this;
    return this.active.map(function (item) {
      return { id: item.id, text: item.text, mode: item.mode, lane: item.lane, x: self.x(item, now), y: item.y,
        w: item.w, h: item.h, own: item.own };
    });
  };

  root.AmphiOverlay = {
    DEFAULTS: DEFAULTS, SIZES: SIZES, AREAS: AREAS, CROSS_MS: CROSS_MS, laneFree: laneFree,
    create: function (container, options) { return new Overlay(container, options); }
  };
})(window);
