// Plays /live/{room}/master.m3u8 with hls.js (or the browser's own HLS) and keeps trying:
// an offline room shows "not live yet" and starts by itself, a publisher drop shows
// "reconnecting" and recovers. The page's state is in <body data-state="...">:
// loading | offline | playing | reconnecting | missing.
//
// Latency band: hls.js holds the playhead LATENCY_S behind the live edge (liveSyncDuration) and
// catches up by playing up to 1.25x faster when it falls behind (maxLiveSyncPlaybackRate), so
// comments, published a little after their window closes, are there before the playhead. A
// `?latency=S` query parameter (2..60) chooses another band, for tests and trials.
(function () {
  'use strict';
  var POLL_MS = 2000;
  var STALL_MS = 15000;
  var query = new URLSearchParams(location.search);
  var LATENCY_S = Math.min(60, Math.max(2, Number(query.get('latency')) || 6));

  var parts = location.pathname.split('/').filter(Boolean);
  var room = decodeURIComponent(parts[parts.length - 1] || '');
  // A private room's viewer link (?e=EXPIRES&s=SIGNATURE) goes with every request about the room;
  // the server writes it into the playlists' URIs itself.
  var access = query.get('e') && query.get('s')
    ? 'e=' + encodeURIComponent(query.get('e')) + '&s=' + encodeURIComponent(query.get('s')) : '';
  function withAccess(url) {
    return access ? url + (url.indexOf('?') >= 0 ? '&' : '?') + access : url;
  }
  var master = withAccess('/live/' + encodeURIComponent(room) + '/master.m3u8');
  var video = document.getElementById('video');
  var overlay = document.getElementById('overlay');
  var overlayTitle = document.getElementById('overlay-title');
  var overlayDetail = document.getElementById('overlay-detail');
  var player = document.getElementById('player');
  var roomTitle = room;
  var hls = null;
  var nativeHls = false;
  var pollTimer = null;
  var lastTime = -1;
  var lastProgress = Date.now();

  function setState(state, title, detail) {
    document.body.dataset.state = state;
    overlay.hidden = state === 'playing';
    overlayTitle.textContent = title || '';
    overlayDetail.textContent = detail || '';
  }

  function offline() {
    setState('offline', roomTitle + ' is not live yet',
      'Playback starts by itself when the stream begins.');
  }

  function reconnecting() {
    setState('reconnecting', 'Reconnecting…', 'The stream was interrupted; it resumes by itself.');
  }

  // Live means: the master playlist exists and its first media playlist has segments and no end.
  function probe() {
    return fetch(master, { cache: 'no-store' }).then(function (r) {
      if (!r.ok) return false;
      return r.text().then(function (text) {
        var uri = text.split(/\r?\n/).map(function (l) { return l.trim(); })
          .find(function (l) { return l && l.charAt(0) !== '#'; });
        if (!uri) return false;
        return fetch(new URL(uri, new URL(master, location.href)), { cache: 'no-store' }).then(function (m) {
          if (!m.ok) return false;
          return m.text().then(function (media) {
            return media.indexOf('#EXTINF') >= 0 && media.indexOf('#EXT-X-ENDLIST') < 0;
          });
        });
      });
    }).catch(function () { return false; });
  }

  function poll() {
    clearTimeout(pollTimer);
    probe().then(function (live) {
      if (live) {
        play();
      } else {
        pollTimer = setTimeout(poll, POLL_MS);
      }
    });
  }

  function stop() {
    if (hls) {
      hls.destroy();
      hls = null;
    }
    video.removeAttribute('src');
    video.load();
  }

  function dropped() {
    if (document.body.dataset.state === 'reconnecting') return;
    stop();
    reconnecting();
    pollTimer = setTimeout(poll, POLL_MS);
  }

  function startVideo() {
    var p = video.play();
    if (p && p.catch) {
      p.catch(function (e) {
        if (!e || e.name !== 'NotAllowedError') return; // an interrupted load: the error handlers decide
        // Even muted autoplay was refused: let a click start it.
        setState('paused', 'Click to play', '');
        overlay.addEventListener('click', function () { video.play(); }, { once: true });
      });
    }
  }

  function play() {
    stop();
    nativeHls = false;
    lastProgress = Date.now();
    if (window.Hls && window.Hls.isSupported()) {
      var Hls = window.Hls;
      hls = new Hls({
        liveDurationInfinity: true,
        liveSyncDuration: LATENCY_S,
        liveMaxLatencyDuration: LATENCY_S + 10,
        maxLiveSyncPlaybackRate: 1.25
      });
      window.amphiHls = hls; // for the console and the browser tests: levels, nextLevel
      var created = hls;
      hls.on(Hls.Events.MANIFEST_PARSED, function () {
        ctx.onLevels && ctx.onLevels(created);
        startVideo();
      });
      hls.on(Hls.Events.LEVEL_SWITCHED, function (event, data) {
        document.body.setAttribute('data-level', String(data.level));
        ctx.onLevelSwitched && ctx.onLevelSwitched(created, data.level);
      });
      hls.on(Hls.Events.ERROR, function (event, data) {
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR && hls) {
          hls.recoverMediaError();
        } else {
          dropped();
        }
      });
      hls.loadSource(master);
      hls.attachMedia(video);
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      nativeHls = true;
      video.src = master;
      startVideo();
    } else {
      setState('unsupported', 'This browser cannot play HLS', 'Try a current Chrome, Firefox, Edge or Safari.');
    }
  }

  video.addEventListener('playing', function () {
    if (document.body.dataset.state !== 'playing') setState('playing');
  });
  video.addEventListener('ended', dropped);
  video.addEventListener('error', function () { if (nativeHls) dropped(); });

  var danmaku = window.AmphiOverlay.create(document.getElementById('danmaku'));
  window.amphiOverlay = danmaku; // for the console and the browser tests: boxes(), stats
  var reactions = window.AmphiReactions.create(document.getElementById('reactions'));
  window.amphiReactions = reactions; // for the console and the browser tests: total
  var ctx = {
    room: room, video: video, player: player, overlay: danmaku, reactions: reactions,
    hls: function () { return hls; }, withAccess: withAccess
  };
  window.AmphiControls.init(ctx);
  document.getElementById('player-title').textContent = room;

  // The band from below: hls.js only speeds up to catch up, so a playhead closer to live than the
  // band (a start on a short playlist) steps back to it, at most every 30 s: comments are
  // published a little after their window, and a viewer too close to live would get them late.
  var lastStepBack = 0;
  setInterval(function () {
    if (!hls || video.paused || document.body.dataset.state !== 'playing') return;
    var target = hls.targetLatency;
    var pos = hls.liveSyncPosition;
    if (target && hls.latency && hls.latency < target - 1.5 && pos !== null && pos !== undefined
        && Date.now() - lastStepBack > 30000 && pos < video.currentTime) {
      lastStepBack = Date.now();
      video.currentTime = pos;
    }
  }, 1000);

  // A live stream whose clock stops moving for long has dropped even if no event said so.
  setInterval(function () {
    if (video.currentTime !== lastTime) {
      lastTime = video.currentTime;
      lastProgress = Date.now();
    } else if (document.body.dataset.state === 'playing' && !video.paused && Date.now() - lastProgress > STALL_MS) {
      dropped();
    }
  }, 1000);

  // Presence for the hosts' viewer estimate: a random id of this tab, reported every 30 s while
  // the stream plays or the page is in view (nothing else about the viewer is sent or kept).
  var viewerId = (function () {
    try {
      var kept = sessionStorage.getItem('amphi-viewer');
      if (kept) return kept;
    } catch (e) { /* storage off: a new id per page load */ }
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    var id = Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
    try { sessionStorage.setItem('amphi-viewer', id); } catch (e) { /* as above */ }
    return id;
  })();
  function present() {
    if (document.body.dataset.state === 'missing') return;
    if (document.visibilityState !== 'visible' && video.paused) return;
    var url = withAccess('/api/rooms/' + encodeURIComponent(room) + '/presence?viewer=' + viewerId);
    if (!(navigator.sendBeacon && navigator.sendBeacon(url))) {
      fetch(url, { method: 'POST', keepalive: true }).catch(function () { /* an estimate: a lost report is fine */ });
    }
  }
  setInterval(present, 30000);

  fetch(withAccess('/api/rooms/' + encodeURIComponent(room)), { cache: 'no-store' }).then(function (r) {
    if (r.status === 404) {
      document.title = 'Amphi: no such room';
      setState('missing', 'There is no room called “' + room + '”', '');
      return;
    }
    return r.ok && r.json().then(function (info) {
      roomTitle = info.title || room;
      document.title = 'Amphi: ' + roomTitle;
      document.getElementById('title').textContent = roomTitle;
      document.getElementById('player-title').textContent = roomTitle;
    });
  }).catch(function () { /* the stream may still play */ }).finally(function () {
    if (document.body.dataset.state === 'missing') return;
    present();
    window.AmphiComments.init(ctx);
    probe().then(function (live) {
      if (live) {
        play();
      } else {
        offline();
        pollTimer = setTimeout(poll, POLL_MS);
      }
    });
  });
})();
