// The host console: /host/{room} runs one room live, /host lists the admin's rooms and makes new ones.
//
// Everything goes through the documented HTTP API (/api/openapi.json) with the key the host signs
// in with (the admin token, a host's own key or join link, or the room's stream key) as a Bearer;
// the room's event stream is read with fetch (EventSource cannot send that header), so the speakers'
// levels, bitrates, joins and comments arrive as they happen. Sections the key may not use (people,
// room settings with the room's shared key) say so instead of failing.
//
// State, for CSS and tests, on <body>: data-state = signin | ready | error; data-live = true | false.
// Each speaker's row is tr[data-speaker=ID] with data-muted, data-visible, data-level (dBFS).
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var body = document.body;
  var parts = location.pathname.split('/').filter(Boolean);
  var room = parts.length > 1 ? decodeURIComponent(parts[1]) : '';
  var STORE = 'amphi-host-key:' + room;
  var ADMIN_STORE = 'amphi-host-key:';  // the key given on /host (the admin's), tried for every room
  var key = null;
  var layout = null;           // the program's layout, {layout, page?, source?}
  var rows = {};               // speaker id -> {tr, cells}
  var stream = null;           // the event stream's AbortController
  var hls = null;
  var watchQuery = '';         // a private room's viewer link, once made
  var startWatch = null;
  var COMMENTS_SHOWN = 50;

  function enc(s) { return encodeURIComponent(s); }
  function roomPath(suffix) { return '/api/rooms/' + enc(room) + (suffix || ''); }

  function say(text, bad) {
    var s = $('status');
    s.textContent = text || '';
    s.classList.toggle('bad', !!bad);
  }

  // One API call; rejects with an Error carrying the status and the server's message.
  function api(method, path, json) {
    var opts = { method: method, headers: { 'Authorization': 'Bearer ' + key }, cache: 'no-store' };
    if (json !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(json);
    }
    return fetch(path, opts).then(function (r) {
      if (r.status === 204) return null;
      return r.text().then(function (t) {
        var data = null;
        try { data = t ? JSON.parse(t) : null; } catch (e) { data = null; }
        if (!r.ok) {
          var err = new Error((data && data.error) || ('the server answered ' + r.status));
          err.status = r.status;
          throw err;
        }
        return data;
      });
    });
  }

  // Runs an action, says what happened; the button is disabled meanwhile.
  function act(button, what, promise) {
    if (button) button.disabled = true;
    return promise().then(function (v) {
      say(what);
      return v;
    }).catch(function (e) {
      say(what.replace(/\.$/, '') + ' failed: ' + e.message, true);
    }).finally(function () {
      if (button) button.disabled = false;
    });
  }

  // A destructive button asks for a second click within 4 s.
  function confirmed(button, label) {
    if (button.dataset.armed === 'true') {
      button.dataset.armed = 'false';
      button.textContent = label;
      return true;
    }
    button.dataset.armed = 'true';
    button.textContent = 'Sure? ' + label;
    setTimeout(function () {
      if (button.dataset.armed === 'true') {
        button.dataset.armed = 'false';
        button.textContent = label;
      }
    }, 4000);
    return false;
  }

  function copy(text, what) {
    var done = function () { say(what + ' copied.'); };
    var box = function () {
      $('copy-box').hidden = false;
      $('copy-text').value = text;
      $('copy-text').select();
      say('Copy the ' + what.toLowerCase() + ' from the box (Ctrl+C).');
    };
    $('copy-text').value = text;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, box);
    } else {
      box();
    }
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function button(label, cls, onClick) {
    var b = el('button', 'host-btn ' + (cls || ''), label);
    b.type = 'button';
    b.addEventListener('click', function () { onClick(b); });
    return b;
  }

  // ---- signing in

  function signIn(k) {
    key = k;
    $('signin-error').textContent = '';
    var check = room ? api('GET', roomPath('/comments/held')) : api('GET', '/api/rooms');
    return check.then(function () {
      try { sessionStorage.setItem(STORE, k); } catch (e) { /* kept in memory only */ }
      body.dataset.state = 'ready';
      $('signin').hidden = true;
      $('signout').hidden = false;
      if (room) {
        openRoom();
      } else {
        openRooms();
      }
    }).catch(function (e) {
      key = null;
      try { sessionStorage.removeItem(STORE); } catch (x) { /* nothing kept */ }
      body.dataset.state = 'signin';
      $('signin').hidden = false;
      $('signin-error').textContent = e.status === 401 || e.status === 403
        ? 'That key does not open ' + (room ? 'room ' + room : 'the rooms') + '.'
        : (e.status === 404 ? 'There is no room called ' + room + '.' : 'Cannot reach the server: ' + e.message);
    });
  }

  $('signin').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var k = $('host-key').value.trim();
    if (k) signIn(k);
  });

  $('signout').addEventListener('click', function () {
    try { sessionStorage.removeItem(STORE); } catch (e) { /* nothing kept */ }
    location.reload();
  });

  // ---- /host: the admin's rooms

  function openRooms() {
    $('rooms-panel').hidden = false;
    document.title = 'Amphi: rooms';
    api('GET', '/api/rooms').then(function (list) {
      var ul = $('room-list');
      ul.textContent = '';
      (list || []).forEach(function (r) {
        var li = el('li');
        var a = el('a', null, (r.title || r.name) + ' (' + r.name + ', ' + (r.status || '') + ')');
        a.href = '/host/' + enc(r.name);
        li.appendChild(a);
        ul.appendChild(li);
      });
    }).catch(function (e) { say('The rooms could not be listed: ' + e.message, true); });
  }

  $('create-room').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var name = $('new-name').value.trim();
    var spec = { name: name };
    if ($('new-title').value.trim()) spec.title = $('new-title').value.trim();
    $('create-error').textContent = '';
    api('POST', '/api/rooms', spec).then(function () {
      location.href = '/host/' + enc(name);
    }).catch(function (e) { $('create-error').textContent = e.message; });
  });

  // ---- /host/{room}

  function openRoom() {
    $('console').hidden = false;
    $('watch-link').hidden = false;
    $('watch-link').href = '/watch/' + enc(room);  // a private room's page needs a viewer link: made below
    $('join-link').hidden = false;
    $('join-link').href = '/join/' + enc(room);
    loadRoom();
    loadPeople();
    loadBans();
    loadComments();
    watch();
    listen();
  }

  // The room's record: editable for the admin and the room's hosts (the full record has the key).
  function loadRoom() {
    return api('GET', roomPath()).then(function (r) {
      var full = r && r.streamKey !== undefined;
      $('title').textContent = (r.title || room);
      document.title = 'Amphi host: ' + (r.title || room);
      $('room-title').value = r.title || '';
      $('room-description').value = r.description || '';
      $('room-start').value = r.scheduledStart ? localInput(r.scheduledStart) : '';
      $('room-limit').value = r.speakerLimit || '';
      $('room-visibility').value = r.visibility || 'public';
      $('room-key').value = r.streamKey || '';
      showStatus(r.status);
      var editable = full && r.source !== 'flags';
      $('room-form').querySelectorAll('input, textarea, select, button').forEach(function (e) {
        if (e.id !== 'room-key-copy') e.disabled = !editable;
      });
      $('room-key-copy').disabled = !r.streamKey;
      $('end-event').disabled = !editable;
      $('reopen-event').disabled = !editable;
      $('room-locked').hidden = editable;
      $('viewer-links').hidden = !(full && r.visibility === 'private');
      if (full && r.visibility === 'private' && !watchQuery) {
        // a private room's program and watch page need a viewer link: the console makes one for itself
        api('POST', roomPath('/viewer-links'), { ttl: 86400 }).then(function (l) {
          watchQuery = l.query;
          $('watch-link').href = l.url;
          if (startWatch) startWatch();
        }).catch(function (e) { say('No viewer link for the program: ' + e.message, true); });
      }
      if (full && r.source === 'flags') {
        $('room-locked').hidden = false;
        $('room-locked').textContent = 'This room is configured by the server\'s --room flags: change it there.';
      }
      return r;
    }).catch(function (e) { say('The room could not be read: ' + e.message, true); });
  }

  function showStatus(status) {
    $('room-status').textContent = status || '?';
    $('end-event').hidden = status === 'ended';
    $('reopen-event').hidden = status !== 'ended';
  }

  function localInput(iso) {
    var d = new Date(iso);
    var pad = function (n) { return ('0' + n).slice(-2); };
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' +
      pad(d.getMinutes());
  }

  $('room-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var change = {
      title: $('room-title').value.trim() || room,
      description: $('room-description').value,
      visibility: $('room-visibility').value
    };
    if ($('room-limit').value) change.speakerLimit = Number($('room-limit').value);
    change.scheduledStart = $('room-start').value ? new Date($('room-start').value).toISOString() : null;
    act($('room-save'), 'Room saved.', function () {
      return api('PATCH', roomPath(), change).then(loadRoom);
    });
  });

  $('link-new').addEventListener('click', function () {
    act($('link-new'), 'A new viewer link is ready to share.', function () {
      return api('POST', roomPath('/viewer-links'), { ttl: Number($('link-ttl').value) }).then(function (l) {
        copy(l.url, 'Viewer link');
      });
    });
  });

  $('link-revoke').addEventListener('click', function () {
    var b = $('link-revoke');
    if (!confirmed(b, 'Revoke all links')) return;
    act(b, 'Every viewer link given out so far stopped working (edges: once they reload the map).', function () {
      return api('POST', roomPath('/viewer-secret'));
    });
  });

  $('room-key-copy').addEventListener('click', function () { copy($('room-key').value, 'Room key'); });

  $('end-event').addEventListener('click', function () {
    var b = $('end-event');
    if (!confirmed(b, 'End the event')) return;
    act(b, 'The event has ended: speakers were disconnected and the stream stopped.', function () {
      return api('PATCH', roomPath(), { status: 'ended' }).then(function (r) { showStatus(r.status); });
    });
  });

  $('reopen-event').addEventListener('click', function () {
    act($('reopen-event'), 'The room takes speakers again.', function () {
      return api('PATCH', roomPath(), { status: 'scheduled' }).then(function (r) { showStatus(r.status); });
    });
  });

  // ---- the program: picture, layout

  function watch() {
    var video = $('program');
    var start = function () {
      var src = '/live/' + enc(room) + '/master.m3u8' + (watchQuery ? '?' + watchQuery : '');
      if (window.Hls && Hls.isSupported()) {
        if (hls) hls.destroy();
        hls = new Hls({ liveDurationInfinity: true });
        hls.loadSource(src);
        hls.attachMedia(video);
        hls.on(Hls.Events.ERROR, function (e, data) {
          if (data.fatal) {
            hls.destroy();
            hls = null;
            setTimeout(start, 3000);
          }
        });
      } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
        video.src = src;
      }
    };
    startWatch = start;
    start();
    $('program-sound').addEventListener('click', function () {
      video.muted = !video.muted;
      this.setAttribute('aria-pressed', String(!video.muted));
      this.textContent = video.muted ? '🔇 Listen' : '🔊 Listening';
      if (!video.muted) video.play();
    });
  }

  function setLayout(choice, btn) {
    return act(btn, 'Layout switched.', function () { return api('PUT', roomPath('/layout'), choice); });
  }

  document.querySelectorAll('.layout-btn').forEach(function (b) {
    b.addEventListener('click', function () {
      var choice = { layout: b.dataset.layout };
      if (b.dataset.layout === 'gallery') choice.page = Math.max(1, Number($('gallery-page').value) || 1);
      setLayout(choice, b);
    });
  });

  function showLayout(l) {
    layout = l;
    if (!l) {
      $('layout-now').textContent = '(passes its publisher through)';
      return;
    }
    document.querySelectorAll('.layout-btn').forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.dataset.layout === l.layout));
    });
    $('layout-now').textContent = l.layout === 'presentation' ? 'spotlight on ' + nameOf(l.source)
      : (l.layout === 'gallery' ? 'gallery page ' + l.page : 'active speaker');
    Object.keys(rows).forEach(function (id) { spotlightLabel(rows[id]); });
  }

  function nameOf(id) {
    return rows[id] ? rows[id].name : id;
  }

  // ---- speakers on stage

  function speakers(list) {
    var seen = {};
    list.forEach(function (s, i) {
      seen[s.id] = true;
      var row = rows[s.id] || newRow(s);
      update(row, s);
      var tbody = $('speakers').tBodies[0];
      if (tbody.children[i] !== row.tr) tbody.insertBefore(row.tr, tbody.children[i] || null);
    });
    Object.keys(rows).forEach(function (id) {
      if (!seen[id]) {
        rows[id].tr.remove();
        delete rows[id];
      }
    });
    $('no-speakers').hidden = list.length > 0;
    $('speakers').hidden = list.length === 0;
    $('speaker-count').textContent = list.length ? '(' + list.length + ')' : '';
  }

  function newRow(s) {
    var tr = el('tr');
    tr.dataset.speaker = s.id;
    var row = { tr: tr, id: s.id, name: s.name };
    row.nameCell = el('td', 'host-name');
    row.meter = el('span', 'host-meter');
    row.bar = el('span', 'host-meter-bar');
    row.meter.appendChild(row.bar);
    row.meter.setAttribute('role', 'meter');
    row.meter.setAttribute('aria-valuemin', '-60');
    row.meter.setAttribute('aria-valuemax', '0');
    var levelCell = el('td');
    levelCell.appendChild(row.meter);
    row.kbps = el('td', 'kbps');
    row.shown = el('td', 'shown');
    var actions = el('td', 'host-actions');
    row.mute = button('Mute', 'mute', function (b) {
      var muting = tr.dataset.muted !== 'true';
      act(b, muting ? row.name + ' is muted in the program.' : row.name + ' is heard again.', function () {
        return api(muting ? 'PUT' : 'DELETE', roomPath('/program/speakers/' + enc(row.id) + '/muted')).then(function () {
          tr.dataset.muted = String(muting);
          b.textContent = muting ? 'Unmute' : 'Mute';
          b.setAttribute('aria-pressed', String(muting));
        });
      });
    });
    row.spotlight = button('Spotlight', 'spotlight', function (b) {
      var on = layout && layout.layout === 'presentation' && layout.source === row.id;
      setLayout(on ? { layout: 'speaker' } : { layout: 'presentation', source: row.id }, b);
    });
    row.kick = button('Remove', 'kick danger', function (b) {
      if (!confirmed(b, 'Remove')) return;
      act(b, row.name + ' was removed (they may come back in 10 minutes, or with new credentials).', function () {
        return api('POST', roomPath('/program/speakers/' + enc(row.id) + '/kick')).then(loadBans).then(loadPeople);
      });
    });
    row.ban = button('Ban', 'ban danger', function (b) {
      if (!confirmed(b, 'Ban')) return;
      act(b, row.name + ' is banned from this room.', function () {
        return api('POST', roomPath('/bans'), { speaker: row.id }).then(loadBans).then(loadPeople);
      });
    });
    [row.mute, row.spotlight, row.kick, row.ban].forEach(function (b) { actions.appendChild(b); });
    [row.nameCell, levelCell, row.kbps, row.shown, actions].forEach(function (c) { tr.appendChild(c); });
    rows[s.id] = row;
    return row;
  }

  function update(row, s) {
    row.name = s.name;
    row.nameCell.textContent = s.name;
    if (s.level !== undefined) {
      var pct = Math.max(0, Math.min(100, (s.level + 60) / 60 * 100));
      row.bar.style.width = pct.toFixed(0) + '%';
      row.meter.setAttribute('aria-valuenow', String(Math.round(s.level)));
      row.meter.title = s.level <= -120 ? 'silent' : s.level.toFixed(1) + ' dBFS';
      row.tr.dataset.level = String(s.level);
    }
    if (s.kbps !== undefined) row.kbps.textContent = s.kbps ? String(s.kbps) : '–';
    row.shown.textContent = s.visible ? '✓' : '';
    row.tr.dataset.visible = String(!!s.visible);
    row.tr.dataset.muted = String(!!s.muted);
    row.tr.classList.toggle('muted-speaker', !!s.muted);
    row.mute.textContent = s.muted ? 'Unmute' : 'Mute';
    row.mute.setAttribute('aria-pressed', String(!!s.muted));
    spotlightLabel(row);
  }

  function spotlightLabel(row) {
    var on = layout && layout.layout === 'presentation' && layout.source === row.id;
    row.spotlight.textContent = on ? 'Unpin' : 'Spotlight';
    row.spotlight.setAttribute('aria-pressed', String(!!on));
    row.tr.classList.toggle('spotlit', !!on);
  }

  function loadBans() {
    return api('GET', roomPath('/bans')).then(function (r) {
      var ul = $('bans');
      ul.textContent = '';
      (r.bans || []).forEach(function (b) {
        var li = el('li');
        li.dataset.speaker = b.speaker;
        li.appendChild(el('span', null, b.displayName + (b.kind === 'ban' ? ': banned' : ': removed until ' +
          new Date(b.until).toLocaleTimeString()) + (b.revoked ? ', credentials revoked' : '') + ' '));
        li.appendChild(button('Lift', 'lift', function (btn) {
          act(btn, b.displayName + ' may come back.', function () {
            return api('DELETE', roomPath('/bans/' + enc(b.speaker))).then(loadBans);
          });
        }));
        ul.appendChild(li);
      });
      $('no-bans').hidden = (r.bans || []).length > 0;
    }).catch(function (e) { say('The bans could not be read: ' + e.message, true); });
  }

  // ---- people with their own credentials

  function loadPeople() {
    return api('GET', roomPath('/speakers')).then(function (list) {
      $('people-locked').hidden = true;
      $('people').hidden = false;
      $('invite').hidden = false;
      var tbody = $('people').tBodies[0];
      tbody.textContent = '';
      (list || []).forEach(function (p) { tbody.appendChild(personRow(p)); });
    }).catch(function (e) {
      if (e.status === 403 || e.status === 401) {
        $('people-locked').hidden = false;
        $('people').hidden = true;
        $('invite').hidden = true;
      } else {
        say('The invited people could not be read: ' + e.message, true);
      }
    });
  }

  function personRow(p) {
    var tr = el('tr');
    tr.dataset.person = p.id;
    tr.appendChild(el('td', null, p.displayName));
    tr.appendChild(el('td', null, p.role));
    var td = el('td', 'host-actions');
    if (p.revoked) {
      td.appendChild(el('span', 'muted', 'revoked '));
    } else {
      td.appendChild(button('Copy key', 'copy-key', function () { copy(p.streamKey, 'Stream key of ' + p.displayName); }));
      if (p.joinUrl) {
        td.appendChild(button('Copy link', 'copy-link', function () { copy(p.joinUrl, 'Join link of ' + p.displayName); }));
      }
      if (p.hostUrl) {
        td.appendChild(button('Copy console link', 'copy-host-link', function () {
          copy(p.hostUrl, 'Console link of ' + p.displayName);
        }));
      }
    }
    td.appendChild(button(p.revoked ? 'New credentials' : 'Regenerate', 'regenerate', function (b) {
      act(b, 'New key and link for ' + p.displayName + ' (the old ones no longer work).', function () {
        return api('POST', roomPath('/speakers/' + enc(p.id) + '/regenerate')).then(loadPeople);
      });
    }));
    if (!p.revoked) {
      td.appendChild(button('Revoke', 'revoke danger', function (b) {
        if (!confirmed(b, 'Revoke')) return;
        act(b, p.displayName + '\'s credentials are revoked.', function () {
          return api('DELETE', roomPath('/speakers/' + enc(p.id))).then(loadPeople);
        });
      }));
    }
    tr.appendChild(td);
    return tr;
  }

  $('invite').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var name = $('invite-name').value.trim();
    act($('invite-go'), name + ' is invited: copy their key or link below.', function () {
      return api('POST', roomPath('/speakers'), { displayName: name, role: $('invite-role').value }).then(function () {
        $('invite-name').value = '';
        return loadPeople();
      });
    });
  });

  // ---- comments

  function loadComments() {
    api('GET', roomPath('/comment-settings')).then(commentSettings).catch(function (e) {
      say('The comment settings could not be read: ' + e.message, true);
    });
    api('GET', roomPath('/comments/held')).then(function (list) {
      $('held').textContent = '';
      (list || []).forEach(function (c) { comment(c); });
      heldCount();
    }).catch(function () { /* shown by the sign-in check already */ });
  }

  function commentSettings(s) {
    $('comment-mode').value = s.mode;
    $('slow-mode').value = s.slowMode;
    $('hold').checked = !!s.hold;
  }

  $('comment-settings').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var s = { mode: $('comment-mode').value, slowMode: Number($('slow-mode').value) || 0, hold: $('hold').checked };
    act($('comment-settings-go'), 'Comment settings applied.', function () {
      return api('PUT', roomPath('/comment-settings'), s).then(commentSettings);
    });
  });

  function heldCount() {
    var n = $('held').children.length;
    $('held-count').textContent = n ? '(' + n + ')' : '';
  }

  function comment(c) {
    var list = c.held ? $('held') : $('comments');
    var old = document.querySelector('li[data-comment="' + c.id + '"]');
    if (old) old.remove();
    var li = el('li');
    li.dataset.comment = c.id;
    li.appendChild(el('span', 'nick', (c.nick || 'viewer') + ': '));
    li.appendChild(el('span', 'text', c.text));
    var actions = el('span', 'host-actions');
    if (c.held) {
      actions.appendChild(button('Approve', 'approve', function (b) {
        act(b, 'Comment approved.', function () {
          return api('POST', roomPath('/comments/' + enc(c.id) + '/approve')).then(function () {
            li.remove();
            heldCount();
          });
        });
      }));
    }
    actions.appendChild(button('Delete', 'delete danger', function (b) {
      act(b, 'Comment deleted.', function () {
        return api('DELETE', roomPath('/comments/' + enc(c.id))).then(function () {
          li.remove();
          heldCount();
        });
      });
    }));
    if (c.viewer) {
      actions.appendChild(button('Mute viewer', 'mute-viewer', function (b) {
        act(b, 'That viewer can no longer comment.', function () {
          return api('PUT', roomPath('/viewers/' + enc(c.viewer) + '/muted')).then(function () {
            b.textContent = 'Viewer muted';
            b.disabled = true;
          });
        });
      }));
    }
    li.appendChild(actions);
    list.insertBefore(li, list.firstChild);
    while (list.children.length > COMMENTS_SHOWN) list.lastChild.remove();
    heldCount();
  }

  // ---- the room's event stream, with the key (levels, joins, layout, comments)

  function listen() {
    var delay = 1000;
    var connect = function () {
      stream = new AbortController();
      fetch(roomPath('/events'), { headers: { 'Authorization': 'Bearer ' + key }, signal: stream.signal, cache: 'no-store' })
        .then(function (r) {
          if (!r.ok || !r.body) throw new Error('the event stream answered ' + r.status);
          delay = 1000;
          var reader = r.body.getReader();
          var decoder = new TextDecoder();
          var buffer = '';
          var pump = function () {
            return reader.read().then(function (chunk) {
              if (chunk.done) throw new Error('the event stream ended');
              buffer += decoder.decode(chunk.value, { stream: true });
              var end;
              while ((end = buffer.indexOf('\n\n')) >= 0) {
                dispatch(buffer.slice(0, end));
                buffer = buffer.slice(end + 2);
              }
              return pump();
            });
          };
          return pump();
        })
        .catch(function (e) {
          if (stream && stream.signal.aborted) return;
          say('Live updates interrupted (' + e.message + '); reconnecting…', true);
          setTimeout(connect, delay);
          delay = Math.min(delay * 2, 15000);
        });
    };
    connect();
  }

  function dispatch(block) {
    var event = 'message';
    var data = '';
    block.split('\n').forEach(function (line) {
      if (line.indexOf('event:') === 0) event = line.slice(6).trim();
      else if (line.indexOf('data:') === 0) data += line.slice(5).trim();
    });
    if (!data) return;
    var d;
    try { d = JSON.parse(data); } catch (e) { return; }
    if (event === 'program') {
      body.dataset.live = String(!!d.live);
      $('live-badge').dataset.live = String(!!d.live);
      $('live-badge').textContent = d.live ? 'live' : 'offline';
      showLayout(d.layout);
      speakers(d.speakers || []);
      if (/^Live updates interrupted/.test($('status').textContent)) say('');
    } else if (event === 'speakers' || event === 'levels') {
      speakers(d.speakers || []);
      if (d.viewers !== undefined) $('viewers').textContent = String(d.viewers);
    } else if (event === 'layout') {
      showLayout(d);
    } else if (event === 'comment') {
      comment(d);
    } else if (event === 'comment-removed') {
      var li = document.querySelector('li[data-comment="' + d.id + '"]');
      if (li) li.remove();
      heldCount();
    } else if (event === 'comment-settings') {
      commentSettings(d);
    }
  }

  // ---- start: a key from a host's console link (?t=), kept in this tab, or the form

  var params = new URLSearchParams(location.search);
  var given = params.get('t');
  if (given) {
    history.replaceState(null, '', location.pathname);  // the token leaves the address bar
  }
  var kept = null;
  try { kept = sessionStorage.getItem(STORE) || sessionStorage.getItem(ADMIN_STORE); } catch (e) { kept = null; }
  if (given || kept) {
    signIn(given || kept);
  } else {
    $('host-key').focus();
  }
})();
