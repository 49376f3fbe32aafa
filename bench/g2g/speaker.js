// Speaker A or B of bench/glass-to-glass.sh, evaluated in the speaker page /join/{room} after
// clock-code.js: window.G2GSpeaker.join(role, name, key) sends a canvas instead of the camera
// (window.amphiJoin.setSource; the fake microphone's sound goes with it) and joins.
//   role 'sender' (A): the canvas shows the clock code (clock-code.js), redrawn every animation frame.
//   role 'receiver' (B): a dark canvas with a moving square (a live tile without magenta in it); the
//     program's frames are read as they are presented (requestVideoFrameCallback on #program): the
//     first frame showing each new code is one sample.
(function () {
  'use strict';
  var W = 640, H = 360;
  var S = window.G2GSpeaker = {
    samples: [],       // {code, now, display, receive, presentation}: wall-clock ms
    recording: false,
    frames: 0,         // program frames presented
    unreadable: 0,     // presented frames where no code was found
    unreadableFrames: [],  // a few of them as PNG data URLs, to look at
    repeats: 0,        // presented frames showing the same code as the last one
    painted: 0,        // pictures drawn into this speaker's canvas
    box: null,         // where A's picture is in the program
    lastCode: null
  };

  function canvasStream(role) {
    var c = document.createElement('canvas');
    c.width = W; c.height = H;
    var g = c.getContext('2d');
    var n = 0;
    function paint() {
      if (role === 'sender') {
        G2G.draw(g, W, H, G2G.wallMs());
      } else {
        g.fillStyle = 'rgb(20,20,60)';
        g.fillRect(0, 0, W, H);
        g.fillStyle = 'rgb(200,120,40)';
        g.fillRect((n * 4) % (W - 60), H / 2 - 30, 60, 60);
      }
      n++;
      S.painted = n;
      requestAnimationFrame(paint);
    }
    paint();
    return c.captureStream(30);
  }

  // A's picture in the program: the first magenta region (largest first) whose code reads, else
  // the region of the whole magenta bounding box when only A shows magenta (as before the light
  // speakers of the load bench), else null.
  function locate(d, w, h) {
    var boxes = G2G.findFrames(d, w, h);
    for (var i = 0; i < boxes.length && i < 12; i++) {
      if (G2G.read(d, w, boxes[i].x, boxes[i].y, boxes[i].w, boxes[i].h) !== null) return boxes[i];
    }
    var all = G2G.findFrame(d, w, h);
    return all && G2G.read(d, w, all.x, all.y, all.w, all.h) !== null ? all : null;
  }

  function readProgram() {
    var v = document.getElementById('program');
    var c = document.createElement('canvas');
    var g = null;
    function onFrame(now, meta) {
      S.frames++;
      var w = v.videoWidth, h = v.videoHeight;
      if (w && h) {
        if (c.width !== w || c.height !== h) {
          c.width = w; c.height = h;
          g = c.getContext('2d', { willReadFrequently: true });
          S.box = null;
        }
        g.drawImage(v, 0, 0, w, h);
        var d = g.getImageData(0, 0, w, h).data;
        if (!S.box || S.frames % 60 === 0) S.box = locate(d, w, h) || S.box;
        var code = S.box ? G2G.read(d, w, S.box.x, S.box.y, S.box.w, S.box.h) : null;
        if (code === null) {
          S.unreadable++;
          if (S.recording && S.unreadableFrames.length < 3 && S.unreadable % 50 === 1) S.unreadableFrames.push(c.toDataURL('image/png'));
        } else if (code === S.lastCode) {
          S.repeats++;
        } else {
          S.lastCode = code;
          if (S.recording) {
            var o = performance.timeOrigin;
            S.samples.push({
              code: code, now: o + performance.now(), display: o + meta.expectedDisplayTime,
              presentation: o + meta.presentationTime, receive: meta.receiveTime ? o + meta.receiveTime : null
            });
          }
        }
      }
      v.requestVideoFrameCallback(onFrame);
    }
    v.requestVideoFrameCallback(onFrame);
  }

  S.join = function (role, name, key) {
    var local = window.amphiJoin.local;
    var stream = canvasStream(role);
    (local ? local.getAudioTracks() : []).forEach(function (t) { stream.addTrack(t.clone()); });
    window.amphiJoin.setSource(stream);
    document.getElementById('name').value = name;
    document.getElementById('key').value = key;
    document.getElementById('join').click();
    if (role === 'receiver') readProgram();
    return new Promise(function (ok, fail) {
      var t0 = Date.now();
      (function wait() {
        var st = document.body.dataset.state;
        if (st === 'joined') return ok(st);
        if (st === 'error' || Date.now() - t0 > 30000) return fail(new Error('join ended in ' + st + ': ' +
            document.getElementById('error').textContent));
        setTimeout(wait, 100);
      })();
    });
  };

  // The video RTP streams' counters now (getStats): the sender's outbound-rtp, the receiver's
  // inbound-rtp, and the candidate pair's round-trip time.
  // What this page sends: its canvas's pictures drawn, and each sender's track.
  S.sending = function () {
    var pc = window.amphiJoin.pc;
    return 'painted ' + S.painted + ', senders ' + (pc ? pc.getSenders().map(function (x) {
      return x.track ? x.track.kind + ' ' + x.track.readyState + (x.track.muted ? ' muted' : '') : 'none';
    }).join(', ') : 'no connection') + ', state ' + document.body.dataset.state + ', visibility ' + document.visibilityState;
  };

  S.stats = function () {
    var pc = window.amphiJoin.pc;
    return pc.getStats().then(function (report) {
      var out = {};
      report.forEach(function (s) {
        if (s.kind === 'video' && (s.type === 'outbound-rtp' || s.type === 'inbound-rtp')) out[s.type] = s;
        if (s.type === 'candidate-pair' && s.nominated) out.pair = s;
      });
      return JSON.parse(JSON.stringify(out));
    });
  };
})();
