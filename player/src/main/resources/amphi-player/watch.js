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
  // Audio only: the room's audio playlist alone (also a variant of the master, for players that pick
  // it themselves); chosen in the quality menu, or by the page when video stalls at the lowest quality
  // (3 times, or 6 s in all, within a minute) or stands still for STALL_MS while the stream is live.
  var audioOnly = false;
  var audioPlaylist = withAccess('/live/' + encodeURIComponent(room) + '/audio/index.m3u8');
  var STALLS_FOR_AUDIO = 3;
  var STALL_WINDOW_MS = 60000;
  var stalls = [];
  var STALLED_FOR_AUDIO_MS = 6000;
  var PROBE_MS = 4000;
  var stalledSeconds = [];  // the seconds of the last minute in which playback at the lowest video stood still
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
    var source = audioOnly ? audioPlaylist : master;
    if (!qoe.loadAt) qoe.loadAt = performance.now();
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
        if (qoe.level !== null && qoe.level !== data.level) qoe.switches++;
        qoe.level = data.level;
        document.body.setAttribute('data-level', String(data.level));
        ctx.onLevelSwitched && ctx.onLevelSwitched(created, data.level);
      });
      hls.on(Hls.Events.ERROR, function (event, data) {
        if (!data.fatal) {
          if (data.details === Hls.ErrorDetails.BUFFER_STALLED_ERROR) stalled(created);
          return;
        }
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR && hls) {
          hls.recoverMediaError();
        } else if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
          videoFailed(created);
        } else {
          dropped();
        }
      });
      hls.loadSource(source);
      hls.attachMedia(video);
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      nativeHls = true;  // Safari picks the master's audio-only variant by itself when it must
      video.src = source;
      startVideo();
    } else {
      setState('unsupported', 'This browser cannot play HLS', 'Try a current Chrome, Firefox, Edge or Safari.');
    }
  }

  // Video playback failed (stood still for long, or hls.js gave up loading): when the stream is still
  // live and hls.js chose the quality itself, this connection cannot carry video: audio only.
  function videoFailed(h) {
    if (audioOnly || !h || !h.autoLevelEnabled) {
      dropped();
      return;
    }
    // a playlist that does not even arrive within PROBE_MS behind the video's loads: too slow as well
    var timeout = new Promise(function (resolve) { setTimeout(function () { resolve('slow'); }, PROBE_MS); });
    Promise.race([probe(), timeout]).then(function (live) {
      if (hls !== h) return;
      if (live) {
        setAudioOnly(true, 'slow');
      } else {
        dropped();
      }
    });
  }

  // Whether the lowest video quality is all the connection allows: hls.js, choosing by itself, loads
  // it, or measures less bandwidth than it needs.
  function atLowest(h) {
    if (!h || audioOnly || !h.autoLevelEnabled || !h.levels || !h.levels.length) return false;
    var min = Math.min.apply(null, h.levels.map(function (l) { return l.bitrate; }));
    var loading = h.levels[h.loadLevel] || h.levels[h.currentLevel];
    return (loading && loading.bitrate <= min) || (h.bandwidthEstimate > 0 && h.bandwidthEstimate < min);
  }

  // Playback stalled at the lowest video quality, often (STALLS_FOR_AUDIO times) or long
  // (STALLED_FOR_AUDIO_MS in all) within a minute: the connection cannot carry video.
  function stalled(h) {
    if (!atLowest(h)) return;
    var now = Date.now();
    stalls = stalls.filter(function (t) { return now - t < STALL_WINDOW_MS; });
    stalls.push(now);
    if (stalls.length >= STALLS_FOR_AUDIO) setAudioOnly(true, 'slow');
  }

  // Switches between the video ladder and the audio alone (reloads the stream at the live edge).
  function setAudioOnly(on, why) {
    if (on === audioOnly) return;
    audioOnly = on;
    stalls = [];
    stalledSeconds = [];
    document.body.dataset.audioOnly = String(on);
    document.getElementById('compose-status').textContent = on && why === 'slow'
      ? 'Your connection is too slow for video: audio only. Choose a quality to try video again.' : '';
    if (document.body.dataset.state !== 'offline' && document.body.dataset.state !== 'missing') play();
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
    hls: function () { return hls; }, withAccess: withAccess,
    audioOnly: function () { return audioOnly; }, setAudioOnly: setAudioOnly
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
    var now = Date.now();
    if (video.currentTime === lastTime && document.body.dataset.state === 'playing' && !video.paused && atLowest(hls)) {
      stalledSeconds = stalledSeconds.filter(function (t) { return now - t < STALL_WINDOW_MS; });
      stalledSeconds.push(now);
      if (stalledSeconds.length * 1000 >= STALLED_FOR_AUDIO_MS) {
        stalledSeconds = [];
        setAudioOnly(true, 'slow');
      }
    }
    if (video.currentTime !== lastTime) {
      lastTime = video.currentTime;
      lastProgress = Date.now();
    } else if (document.body.dataset.state === 'playing' && !video.paused && Date.now() - lastProgress > STALL_MS) {
      lastProgress = Date.now();
      videoFailed(hls);
    }
  }, 1000);

  // The embed snippet: this room's /embed page (with the page's viewer link, for a private room)
  var embedUrl = location.origin + withAccess('/embed/' + encodeURIComponent(room));
  document.getElementById('embed-code').value = '<iframe src="' + embedUrl.replace(/&/g, '&amp;') + '" width="960" height="600" ' +
    'allow="autoplay; fullscreen" allowfullscreen style="border:0"></iframe>';
  document.getElementById('share').addEventListener('click', function () {
    var panel = document.getElementById('share-panel');
    panel.hidden = !panel.hidden;
    this.setAttribute('aria-expanded', String(!panel.hidden));
    if (!panel.hidden) document.getElementById('embed-code').select();
  });
  document.getElementById('embed-copy').addEventListener('click', function () {
    var code = document.getElementById('embed-code');
    code.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(code.value).catch(function () { /* selected: Ctrl+C */ });
    }
  });

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
  // With it, how this page fares since its last report: startup (once), stalls, time stalled,
  // rendition switches, latency behind live. Only counts and durations: nothing about the viewer.
  var qoe = { loadAt: 0, startupMs: null, stalls: 0, stalledMs: 0, stalledSince: 0, switches: 0, level: null };
  function present() {
    if (document.body.dataset.state === 'missing') return;
    if (document.visibilityState !== 'visible' && video.paused) return;
    var url = withAccess('/api/rooms/' + encodeURIComponent(room) + '/presence?viewer=' + viewerId);
    var report = { stalls: qoe.stalls, stalledMs: Math.round(qoe.stalledMs), switches: qoe.switches };
    if (qoe.startupMs !== null && qoe.startupMs >= 0) report.startupMs = Math.round(qoe.startupMs);
    if (hls && hls.latency > 0 && isFinite(hls.latency)) report.latency = Math.round(hls.latency * 100) / 100;
    qoe.startupMs = qoe.startupMs === null ? null : -1;  // -1: reported
    qoe.stalls = 0;
    qoe.stalledMs = 0;
    qoe.switches = 0;
    var body = JSON.stringify(report);
    if (!(navigator.sendBeacon && navigator.sendBeacon(url, new Blob([body], { type: 'application/json' })))) {
      fetch(url, { method: 'POST', keepalive: true, headers: { 'Content-Type': 'application/json' }, body: body })
        .catch(function () { /* an estimate: a lost report is fine */ });
    }
  }
  video.addEventListener('waiting', function () {
    if (document.body.dataset.state === 'playing' && !qoe.stalledSince) {
      qoe.stalls++;
      qoe.stalledSince = performance.now();
    }
  });
  video.addEventListener('playing', function () {
    if (qoe.stalledSince) {
      qoe.stalledMs += performance.now() - qoe.stalledSince;
      qoe.stalledSince = 0;
    }
    if (qoe.startupMs === null && qoe.loadAt) {
      qoe.startupMs = performance.now() - qoe.loadAt;
      present();  // the first report as soon as the stream plays
    }
  });
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
