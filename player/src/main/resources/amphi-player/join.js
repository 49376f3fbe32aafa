// The speaker page, /join/{room}: camera and microphone preview, device pickers, then one
// RTCPeerConnection per WHIP session (session.js, whip.js): a send-and-receive session that carries the
// camera and microphone in and the room's program (video and the room's sound without this
// speaker's voice) back; a send-only session "NAME (screen)" while sharing the screen; or, for a
// speaker who publishes with OBS, one receive-only session with ?speaker=NAME.
//
// State, for CSS and tests, on <body>: data-state = idle | joining | joined | reconnecting | error
// (data-error = the refusal's kind while in error), data-mode = speak | listen, data-mic and
// data-camera = on | off, data-share = off | starting | on. The program plays in #program.
// window.amphiJoin gives tests and the console the live objects (peer connections, streams).
(function () {
  'use strict';
  var NAME_KEY = 'amphi.join.name';  // only the display name is remembered, never the key

  var parts = location.pathname.split('/').filter(Boolean);
  var room = decodeURIComponent(parts[parts.length - 1] || '');
  function $(id) { return document.getElementById(id); }
  var body = document.body;
  var program = $('program'), preview = $('preview');
  var overlay = $('overlay'), overlayTitle = $('overlay-title'), overlayDetail = $('overlay-detail');
  var setup = $('setup'), controls = $('call-controls');
  var cameraSelect = $('camera-select'), micSelect = $('mic-select');
  var nameInput = $('name'), keyInput = $('key'), listenOnly = $('listen-only'), joinButton = $('join');
  var muteButton = $('mute'), cameraButton = $('camera-toggle'), shareButton = $('share'), leaveButton = $('leave');
  var statusLine = $('status'), errorLine = $('error');
  var meter = new AmphiMicMeter($('mic-level'));

  var local = null;       // MediaStream: the camera and microphone
  var key = null;         // the room key, in memory only
  var main = null;        // Session: camera + mic in, program back (or the program only)
  var screen = null;      // Session: the shared screen
  var screenTrack = null;

  $('title').textContent = room;
  document.title = 'Join ' + room + ' · Amphi';

  // ---- state shown to the user -------------------------------------------------------------
  function setState(state, status, title, detail) {
    body.dataset.state = state;
    if (state !== 'error') delete body.dataset.error;
    var inCall = state === 'joining' || state === 'joined' || state === 'reconnecting';
    setup.hidden = inCall;
    controls.hidden = !inCall;
    statusLine.textContent = status || '';
    if (state !== 'error') errorLine.textContent = '';
    overlay.hidden = !title;
    overlayTitle.textContent = title || '';
    overlayDetail.textContent = detail || '';
  }

  function fail(failure) {
    body.dataset.error = failure.kind || 'server';
    setState('error', '');
    errorLine.textContent = failure.message || String(failure);
    if (failure.kind === 'key') {
      if (body.dataset.credential === 'link') {  // a refused join link: the room key is the way left
        errorLine.textContent = 'Your join link is not valid any more (expired, revoked or replaced): ask the host ' +
          'for a new one, or enter the room key.';
        useKey();
      }
      key = null;  // a refused key is forgotten; the field asks for it again
      keyInput.placeholder = '';
      keyInput.focus();
    }
  }

  // ---- a personal join link (/join/ROOM?t=TOKEN&name=NAME): the token stands in for the key --
  function useLink(token, name) {
    key = token;
    body.dataset.credential = 'link';
    ['key-label', 'key', 'key-help'].forEach(function (id) { $(id).hidden = true; });
    $('link-help').hidden = false;
    if (name) {
      nameInput.value = name;
      nameInput.readOnly = true;  // the server shows the name the host gave, whatever is typed
    }
    // the token leaves the address bar (and what is bookmarked or shared from it); it stays in this page for reconnecting
    try { history.replaceState(null, '', location.pathname + (name ? '?name=' + encodeURIComponent(name) : '')); } catch (e) { /* none */ }
  }

  function useKey() {
    delete body.dataset.credential;
    ['key-label', 'key', 'key-help'].forEach(function (id) { $(id).hidden = false; });
    $('link-help').hidden = true;
    nameInput.readOnly = false;
  }

  // Mic and camera: the button is pressed (aria-pressed) while the device is off.
  function setFlag(name, on, button, onLabel, offLabel) {
    body.dataset[name] = on ? 'on' : 'off';
    if (button) {
      button.setAttribute('aria-pressed', on ? 'false' : 'true');
      button.querySelector('span').textContent = on ? onLabel : offLabel;
    }
  }

  // ---- camera and microphone ---------------------------------------------------------------
  function mediaConstraints(kind) {
    var chosen = kind === 'video' ? cameraSelect.value : micSelect.value;
    var c = kind === 'video'
      ? { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 30 } }
      : { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
    if (chosen) c.deviceId = { exact: chosen };
    return c;
  }

  function track(kind) {
    if (!local) return null;
    return (kind === 'video' ? local.getVideoTracks() : local.getAudioTracks())[0] || null;
  }

  function startPreview() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return Promise.reject(new Error('This page needs a secure address (https:// or localhost) to use the camera and microphone.'));
    }
    var tries = [{ audio: mediaConstraints('audio'), video: mediaConstraints('video') },
      { audio: mediaConstraints('audio') }, { video: mediaConstraints('video') }];
    function attempt(i, lastError) {
      if (i >= tries.length) return Promise.reject(lastError);
      return navigator.mediaDevices.getUserMedia(tries[i]).catch(function (err) {
        if (err && err.name === 'NotAllowedError') throw err;
        return attempt(i + 1, err);
      });
    }
    return attempt(0).then(function (stream) {
      if (listenOnly.checked) {  // chosen while the browser was opening the devices
        stream.getTracks().forEach(function (t) { t.stop(); });
        return null;
      }
      stopLocal();
      delete body.dataset.media;
      local = stream;
      applyEnabled();
      preview.srcObject = stream;
      meter.use(track('audio'));
      return listDevices();
    });
  }

  function stopLocal() {
    meter.use(null);
    if (local) local.getTracks().forEach(function (t) { t.stop(); });
    local = null;
    preview.srcObject = null;
  }

  function listDevices() {
    return navigator.mediaDevices.enumerateDevices().then(function (devices) {
      fill(cameraSelect, devices.filter(function (d) { return d.kind === 'videoinput'; }), track('video'), 'Camera');
      fill(micSelect, devices.filter(function (d) { return d.kind === 'audioinput'; }), track('audio'), 'Microphone');
    });
  }

  function fill(select, devices, current, fallback) {
    var using = current && current.getSettings ? current.getSettings().deviceId : '';
    select.textContent = '';
    devices.forEach(function (d, i) {
      var o = document.createElement('option');
      o.value = d.deviceId;
      o.textContent = d.label || fallback + ' ' + (i + 1);
      select.appendChild(o);
    });
    if (using) select.value = using;
    select.disabled = devices.length === 0;
  }

  // A new device replaces the track in the preview and, while joined, in the sender (no renegotiation).
  function switchDevice(kind) {
    if (!local) return startPreview().catch(mediaError);
    var c = {};
    c[kind] = mediaConstraints(kind);
    return navigator.mediaDevices.getUserMedia(c).then(function (stream) {
      var fresh = kind === 'video' ? stream.getVideoTracks()[0] : stream.getAudioTracks()[0];
      var old = track(kind);
      if (old) {
        local.removeTrack(old);
        old.stop();
      }
      local.addTrack(fresh);
      applyEnabled();
      preview.srcObject = local;
      if (kind === 'audio') meter.use(fresh);
      return main ? main.replace(kind, fresh) : null;
    }).catch(function (err) {
      mediaError(err);
      if (local) delete body.dataset.media;  // the devices in use still work
    });
  }

  function applyEnabled() {
    var a = track('audio'), v = track('video');
    if (a) a.enabled = body.dataset.mic === 'on';
    if (v) v.enabled = body.dataset.camera === 'on';
  }

  function mediaError(err) {
    var name = err && err.name;
    var text = name === 'NotAllowedError' ? 'The browser was not allowed to use the camera and microphone; allow them for this site and reload.'
      : name === 'NotFoundError' ? 'No camera or microphone was found.'
        : name === 'NotReadableError' ? 'The camera or microphone is in use by another program.'
          : (err && err.message) || String(err);
    errorLine.textContent = text;
    body.dataset.media = 'none';
  }

  // ---- joining, the call, leaving ----------------------------------------------------------
  function onMainUpdate(state, detail) {
    if (state === 'joining') {
      setState('joining', 'Joining ' + room + '…', 'Joining…', '');
    } else if (state === 'joined') {
      setState('joined', (body.dataset.mode === 'listen' ? 'Listening to ' : 'You are in ') + room + '.' +
        (body.dataset.mode === 'speak' && body.dataset.mic === 'off' ? ' Your microphone is muted.' : ''),
        program.videoWidth ? '' : 'Waiting for the room\'s picture…', '');
      if (program.videoWidth) overlay.hidden = true;
    } else if (state === 'reconnecting') {
      setState('reconnecting', 'Reconnecting (' + detail.why + '); try ' + detail.attempt + ' in ' +
        Math.max(1, Math.round(detail.delayMs / 1000)) + ' s.', 'Reconnecting…',
        'The connection to the room was lost; it comes back by itself.');
    } else if (state === 'error') {
      main = null;
      stopShare();
      program.srcObject = null;
      fail(detail);
      showPreviewIfSpeaking();
    }
  }

  function onProgramTrack(t) {
    var stream = program.srcObject instanceof MediaStream ? program.srcObject : new MediaStream();
    stream.getTracks().forEach(function (old) {
      if (old.kind === t.kind && old !== t) stream.removeTrack(old);
    });
    stream.addTrack(t);
    if (program.srcObject !== stream) program.srcObject = stream;
    program.play().catch(function () {});
  }

  program.addEventListener('resize', function () {
    if (body.dataset.state === 'joined' && program.videoWidth) overlay.hidden = true;
  });

  function join(ev) {
    ev.preventDefault();
    var name = nameInput.value.trim();
    var listen = listenOnly.checked;
    var typed = keyInput.value;
    keyInput.value = '';
    if (typed) key = typed;
    errorLine.textContent = '';
    if (!key) return fail({ kind: 'key', message: 'Enter the room key.' });
    if (!name && !listen) {
      errorLine.textContent = 'Enter your name: it is shown on your tile.';
      nameInput.focus();
      return;
    }
    if (!listen && !local) return fail({ kind: 'media', message: 'There is no camera or microphone to send; ' +
        'allow them and reload, or choose to just listen.' });
    try { localStorage.setItem(NAME_KEY, name); } catch (e) { /* private mode */ }
    if (body.dataset.credential !== 'link') keyInput.placeholder = 'kept from your last join';
    body.dataset.mode = listen ? 'listen' : 'speak';
    main = new AmphiSession({
      room: room,
      key: function () { return key; },
      stream: local,
      query: listen ? { speaker: name } : { name: name },
      direction: listen ? 'recvonly' : 'sendrecv',
      tracks: listen ? null : function () { return { audio: track('audio'), video: track('video') }; },
      onTrack: onProgramTrack,
      onUpdate: onMainUpdate
    });
    main.start();
  }

  function leave() {
    stopShare();
    if (main) main.leave();
    main = null;
    program.srcObject = null;
    setState('idle', 'You left ' + room + '.');
    showPreviewIfSpeaking();
    joinButton.focus();
  }

  function showPreviewIfSpeaking() {
    if (listenOnly.checked) {
      stopLocal();
    } else if (!local) {
      startPreview().catch(mediaError);
    }
  }

  // ---- screen sharing: a second WHIP session named "NAME (screen)" -------------------------
  function startShare() {
    if (!navigator.mediaDevices.getDisplayMedia) {
      errorLine.textContent = 'This browser cannot share the screen.';
      return;
    }
    shareState('starting');
    navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15, max: 30 } }, audio: false }).then(function (stream) {
      if (!main || body.dataset.share === 'off') {  // left, or sharing cancelled while the browser asked
        stream.getTracks().forEach(function (t) { t.stop(); });
        return;
      }
      screenTrack = stream.getVideoTracks()[0];
      screenTrack.contentHint = 'detail';
      screenTrack.addEventListener('ended', stopShare);  // the browser's own "Stop sharing"
      screen = new AmphiSession({
        room: room,
        key: function () { return key; },
        stream: stream,
        query: { name: nameInput.value.trim() + ' (screen)' },
        direction: 'sendonly',
        tracks: function () { return { video: screenTrack }; },
        onUpdate: function (state, detail) {
          if (state === 'joined') {
            shareState('on');
          } else if (state === 'error') {
            screen = null;
            stopShare();
            errorLine.textContent = 'Screen sharing stopped: ' + detail.message;
          }
        }
      });
      screen.start();
    }).catch(function (err) {
      shareState('off');
      if (err && err.name !== 'NotAllowedError') errorLine.textContent = 'Screen sharing failed: ' + err.message;
    });
  }

  function stopShare() {
    if (screen) screen.leave();
    screen = null;
    if (screenTrack) screenTrack.stop();
    screenTrack = null;
    shareState('off');
  }

  // data-share: off | starting | on; the button is pressed (and stops sharing) unless off.
  function shareState(state) {
    body.dataset.share = state;
    shareButton.setAttribute('aria-pressed', state === 'off' ? 'false' : 'true');
    shareButton.querySelector('span').textContent = state === 'off' ? 'Share screen' : 'Stop sharing';
  }

  // ---- wiring --------------------------------------------------------------------------------
  setup.addEventListener('submit', join);
  leaveButton.addEventListener('click', leave);
  muteButton.addEventListener('click', function () {
    setFlag('mic', body.dataset.mic !== 'on', muteButton, 'Mute', 'Unmute');
    applyEnabled();
    statusLine.textContent = body.dataset.mic === 'on' ? 'Microphone on.' : 'Microphone muted.';
  });
  cameraButton.addEventListener('click', function () {
    setFlag('camera', body.dataset.camera !== 'on', cameraButton, 'Stop video', 'Start video');
    applyEnabled();
    statusLine.textContent = body.dataset.camera === 'on' ? 'Camera on.' : 'Camera off.';
  });
  shareButton.addEventListener('click', function () {
    if (body.dataset.share === 'off') startShare(); else stopShare();
  });
  cameraSelect.addEventListener('change', function () { switchDevice('video'); });
  micSelect.addEventListener('change', function () { switchDevice('audio'); });
  listenOnly.addEventListener('change', function () {
    body.dataset.mode = listenOnly.checked ? 'listen' : 'speak';
    $('name-label').textContent = listenOnly.checked ? 'Your speaker name (as in your stream)' : 'Your name';
    cameraSelect.disabled = micSelect.disabled = listenOnly.checked;
    showPreviewIfSpeaking();
    if (!listenOnly.checked) listDevices().catch(function () {});
  });
  if (navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
    navigator.mediaDevices.addEventListener('devicechange', function () { if (local) listDevices(); });
  }
  window.addEventListener('online', function () {
    if (main) main.retryNow();
    if (screen) screen.retryNow();
  });
  window.addEventListener('pagehide', function () {
    if (screen) screen.leave();
    if (main) main.leave();
  });

  try { nameInput.value = new URLSearchParams(location.search).get('name') || localStorage.getItem(NAME_KEY) || ''; } catch (e) { /* none */ }
  (function () {
    var q = new URLSearchParams(location.search);
    if (q.get('t')) useLink(q.get('t'), q.get('name'));
  })();
  setState('idle', '');
  startPreview().catch(mediaError);

  window.amphiJoin = {
    room: room,
    // Sends `stream` (e.g. a canvas's captureStream with a clock drawn in it, for latency tests)
    // instead of the camera and microphone, in the preview and, while joined, to the room.
    setSource: function (stream) {
      stopLocal();
      local = stream;
      applyEnabled();
      preview.srcObject = stream;
      meter.use(track('audio'));
      if (main) ['audio', 'video'].forEach(function (kind) { if (track(kind)) main.replace(kind, track(kind)); });
    },
    get local() { return local; },
    get pc() { return main && main.pc; },
    get location() { return main && main.location; },
    get screenPc() { return screen && screen.pc; },
    get screenLocation() { return screen && screen.location; }
  };
})();
