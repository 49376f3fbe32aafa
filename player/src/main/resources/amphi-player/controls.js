// The watch page's player controls: play/pause, mute and volume, the live badge ("back to live"
// when behind the pinned latency band), quality (Auto, each hls.js level, audio only), fullscreen of the
// player's container (so the comments and controls stay), and the comment settings remembered in
// localStorage. The bars hide themselves after HIDE_MS without pointer or keyboard activity, so
// nothing stays over the video's own labels.
(function (root) {
  'use strict';

  var HIDE_MS = 2500;
  var SETTINGS_KEY = 'amphi.danmaku';
  var BEHIND_S = 3; // further behind the target latency than this: "Back to live"

  function $(id) { return document.getElementById(id); }

  function loadSettings(defaults) {
    var saved = {};
    try { saved = JSON.parse(root.localStorage.getItem(SETTINGS_KEY) || '{}') || {}; } catch (e) { saved = {}; }
    var out = Object.assign({}, defaults);
    if (typeof saved.enabled === 'boolean') out.enabled = saved.enabled;
    if (saved.area in { quarter: 1, half: 1, full: 1 }) out.area = saved.area;
    if (saved.size in { small: 1, medium: 1, large: 1 }) out.size = saved.size;
    if (typeof saved.opacity === 'number' && saved.opacity >= 0.2 && saved.opacity <= 1) out.opacity = saved.opacity;
    if (typeof saved.speed === 'number' && saved.speed >= 0.5 && saved.speed <= 2) out.speed = saved.speed;
    return out;
  }

  function saveSettings(s) {
    try {
      root.localStorage.setItem(SETTINGS_KEY, JSON.stringify({ enabled: s.enabled, area: s.area, opacity: s.opacity,
        size: s.size, speed: s.speed }));
    } catch (e) { /* private mode: settings last for this page only */ }
  }

  /** ctx: {video, player, overlay, hls() → the current hls.js instance or null}. */
  function init(ctx) {
    var video = ctx.video;
    var player = ctx.player;
    var overlay = ctx.overlay;
    var hideTimer = null;

    // --- auto-hiding bars
    function show() {
      player.dataset.controls = 'shown';
      clearTimeout(hideTimer);
      hideTimer = setTimeout(function () {
        if (!$('danmaku-panel').hidden || player.contains(document.activeElement) && document.activeElement.tagName === 'SELECT') {
          show();
          return;
        }
        player.dataset.controls = 'hidden';
      }, HIDE_MS);
    }
    ['pointermove', 'pointerdown', 'keydown', 'focusin'].forEach(function (e) { player.addEventListener(e, show); });
    show();

    // --- play / pause
    function syncPlay() {
      $('play').textContent = video.paused ? '▶' : '⏸';
      $('play').setAttribute('aria-label', video.paused ? 'Play' : 'Pause');
      $('play').title = video.paused ? 'Play' : 'Pause';
      // comments stand still while a playing stream is paused; without a stream (offline) they fly
      overlay.setPaused(video.paused && video.readyState > 0);
    }
    $('play').addEventListener('click', function () { if (video.paused) video.play(); else video.pause(); });
    video.addEventListener('play', syncPlay);
    video.addEventListener('pause', syncPlay);
    video.addEventListener('emptied', syncPlay);
    syncPlay();

    // --- volume
    function syncVolume() {
      var muted = video.muted || video.volume === 0;
      $('unmute').textContent = muted ? '🔇' : '🔊';
      $('unmute').setAttribute('aria-label', muted ? 'Unmute' : 'Mute');
      $('unmute').title = muted ? 'Unmute' : 'Mute';
      $('unmute').dataset.muted = String(muted);
      $('volume').value = String(video.muted ? 0 : video.volume);
    }
    $('unmute').addEventListener('click', function () {
      if (video.muted || video.volume === 0) {
        video.muted = false;
        if (video.volume === 0) video.volume = 1;
      } else {
        video.muted = true;
      }
    });
    $('volume').addEventListener('input', function () {
      video.volume = Number($('volume').value);
      video.muted = video.volume === 0;
    });
    video.addEventListener('volumechange', syncVolume);
    syncVolume();

    // --- live badge: LIVE while within the band, "Back to live" when behind it
    $('live').addEventListener('click', function () {
      var hls = ctx.hls();
      if (hls && hls.liveSyncPosition !== null && hls.liveSyncPosition !== undefined) {
        video.currentTime = hls.liveSyncPosition;
      } else if (video.seekable.length) {
        video.currentTime = video.seekable.end(video.seekable.length - 1) - 6;
      }
      if (video.paused) video.play();
    });
    setInterval(function () {
      var hls = ctx.hls();
      var behind = false;
      if (hls && hls.targetLatency !== null && hls.latency) behind = hls.latency > hls.targetLatency + BEHIND_S;
      behind = behind || (video.paused && document.body.dataset.state === 'playing');
      $('live').dataset.live = String(!behind);
      $('live').textContent = behind ? 'Back to live' : 'LIVE';
      document.body.dataset.latency = hls && hls.latency ? hls.latency.toFixed(1) : '';
    }, 500);

    // --- quality: Auto and each level; the menu follows the levels of each new hls.js instance
    function levelLabel(level) {
      var name = level.height ? level.height + 'p' : Math.round(level.bitrate / 1000) + ' kb/s';
      return name;
    }
    ctx.onLevels = function (hls) {
      var select = $('quality');
      select.textContent = '';
      var auto = document.createElement('option');
      auto.value = '-1';
      auto.textContent = 'Auto';
      select.appendChild(auto);
      var listening = ctx.audioOnly && ctx.audioOnly();
      if (listening) auto.textContent = 'Video (auto)';
      if (!listening) {
        hls.levels.forEach(function (level, i) {
          var o = document.createElement('option');
          o.value = String(i);
          o.textContent = levelLabel(level);
          select.appendChild(o);
        });
      }
      if (ctx.setAudioOnly) {
        var a = document.createElement('option');
        a.value = 'audio';
        a.textContent = 'Audio only';
        select.appendChild(a);
      }
      select.value = listening ? 'audio' : String(hls.autoLevelEnabled ? -1 : hls.manualLevel);
      select.disabled = select.options.length < 2;
      if (pendingLevel !== null && !listening) {
        hls.nextLevel = pendingLevel;
        select.value = String(pendingLevel);
      }
      pendingLevel = null;
    };
    var pendingLevel = null;  // a level chosen while listening: set once the video ladder is loaded
    ctx.onLevelSwitched = function (hls, level) {
      if (ctx.audioOnly && ctx.audioOnly()) return;
      var auto = $('quality').options[0];
      auto.textContent = hls.autoLevelEnabled && hls.levels[level] ? 'Auto (' + levelLabel(hls.levels[level]) + ')' : 'Auto';
    };
    $('quality').addEventListener('change', function () {
      var value = $('quality').value;
      if (value === 'audio') {
        ctx.setAudioOnly(true, 'chosen');
        return;
      }
      if (ctx.audioOnly && ctx.audioOnly()) {  // back to video: the ladder is loaded again
        pendingLevel = Number(value) >= 0 ? Number(value) : null;
        ctx.setAudioOnly(false, 'chosen');
        return;
      }
      var hls = ctx.hls();
      if (hls) hls.nextLevel = Number(value); // -1: automatic again; seamless either way
    });

    // --- fullscreen of the container: video, comments and controls together
    function syncFullscreen() {
      var on = document.fullscreenElement === player;
      $('fullscreen').setAttribute('aria-label', on ? 'Exit fullscreen' : 'Fullscreen');
      $('fullscreen').title = on ? 'Exit fullscreen' : 'Fullscreen';
      player.classList.toggle('fullscreen', on);
    }
    $('fullscreen').addEventListener('click', function () {
      if (document.fullscreenElement) {
        document.exitFullscreen();
      } else if (player.requestFullscreen) {
        player.requestFullscreen().catch(function () { /* refused: stays in the page */ });
      }
    });
    document.addEventListener('fullscreenchange', syncFullscreen);

    // --- comment settings, remembered
    var settings = loadSettings(root.AmphiOverlay.DEFAULTS);
    function applySettings() {
      overlay.configure(settings);
      saveSettings(settings);
      $('danmaku-toggle').setAttribute('aria-pressed', String(settings.enabled));
      $('danmaku-toggle').classList.toggle('off', !settings.enabled);
      $('set-area').value = settings.area;
      $('set-opacity').value = String(settings.opacity);
      $('set-size').value = settings.size;
      $('set-speed').value = String(settings.speed);
    }
    $('danmaku-toggle').addEventListener('click', function () {
      settings.enabled = !settings.enabled;
      applySettings();
    });
    $('danmaku-settings').addEventListener('click', function () {
      var panel = $('danmaku-panel');
      panel.hidden = !panel.hidden;
      $('danmaku-settings').setAttribute('aria-expanded', String(!panel.hidden));
    });
    $('set-area').addEventListener('change', function () { settings.area = $('set-area').value; applySettings(); });
    $('set-opacity').addEventListener('input', function () { settings.opacity = Number($('set-opacity').value); applySettings(); });
    $('set-size').addEventListener('change', function () { settings.size = $('set-size').value; applySettings(); });
    $('set-speed').addEventListener('change', function () { settings.speed = Number($('set-speed').value); applySettings(); });
    applySettings();
  }

  root.AmphiControls = { init: init, SETTINGS_KEY: SETTINGS_KEY };
})(window);
