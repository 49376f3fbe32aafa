// The watch page's comment client: follows /live/{room}/comments/index.json (a plain GET every
// second), fetches each window object once (they are immutable), and shows each comment and each
// second of reactions when the playhead's program time reaches it (rules in comment-timing.js).
// Posting: an anonymous viewer token, then POST .../comments with `at` = the playhead's program
// time; the viewer's own comment is shown at once and skipped when its window arrives; a refusal
// is shown with its rule and, for 429, the time to wait. Reactions: POST .../reactions, shown at
// once, merged into counts.
//
// For tests and the console: window.amphiComments.shown = [{id, t, shownAt, text, own}], shownAt
// being the playhead's program time (epoch ms) when the comment went on screen.
(function (root) {
  'use strict';

  var T = root.AmphiTiming;
  var POLL_MS = 1000;
  var PALETTE = ['#ffffff', '#fe0302', '#ff7204', '#ffd302', '#00cd00', '#89d5ff', '#4266be', '#cc0273'];
  var COLOR_NAMES = ['White', 'Red', 'Orange', 'Yellow', 'Green', 'Sky', 'Blue', 'Magenta'];
  var MESSAGES = {
    'viewer-rate': 'Too fast: you can post again in {s}.',
    'address-rate': 'Too many comments from your network: try again in {s}.',
    'room-rate': 'The room is very busy: try again in {s}.',
    'slow-mode': 'Slow mode is on: you can post again in {s}.',
    'text-too-long': 'That is too long: 100 characters at most.',
    'text-empty': 'Type something first.',
    'blocked-word': 'That comment contains a word this room does not allow.',
    'emoji-only': 'This room takes emoji only right now.',
    'comments-off': 'Comments are off in this room.',
    muted: 'A moderator has muted you in this room.',
    reaction: 'That reaction is not available.'
  };

  function $(id) { return document.getElementById(id); }

  /** ctx: {room, video, overlay, reactions, hls() → hls.js instance or null, withAccess(url) → url with the page's viewer link}. */
  function init(ctx) {
    var base = '/api/rooms/' + encodeURIComponent(ctx.room);
    var withAccess = ctx.withAccess || function (url) { return url; };  // a private room's viewer link
    var objects = '/live/' + encodeURIComponent(ctx.room) + '/comments/';
    var state = {
      queue: [], shown: {}, removed: {}, fetched: {}, index: null, shownList: [], missed: 0, ownReactions: {}
    };
    root.amphiComments = { shown: state.shownList, state: state };
    var token = null;
    var blockedUntil = 0;

    /** The playhead's program time in epoch ms, or null before playback. */
    function playhead() {
      var hls = ctx.hls();
      if (hls) {
        var d = hls.playingDate;
        return d ? d.getTime() : null;
      }
      var v = ctx.video;
      if (v.getStartDate && !isNaN(v.getStartDate().getTime()) && v.currentTime > 0) {
        return v.getStartDate().getTime() + v.currentTime * 1000;
      }
      return null;
    }
    ctx.playhead = playhead;

    function record(item, at, own) {
      state.shown[item.id] = item.t || Date.now();
      state.shownList.push({ id: item.id, t: item.t, shownAt: at, text: item.text, own: !!own });
      if (state.shownList.length > 2000) state.shownList.splice(0, 1000);
    }

    // --- the show loop: every animation frame, what the playhead has reached goes on screen
    function frame() {
      var p = playhead();
      if (state.queue.length && p !== null && !ctx.video.paused) {
        var d = T.due(state.queue, p);
        state.queue = d.wait;
        state.missed += d.missed.length;
        d.show.forEach(function (item) {
          if (state.shown[item.id]) return;
          if (item.kind === 'reaction') {
            state.shown[item.id] = item.t;
            var own = state.ownReactions[item.t] || {};
            Object.keys(item.counts).forEach(function (emoji) {
              var n = item.counts[emoji] - (own[emoji] || 0);
              if (n > 0) ctx.reactions.add(emoji, n);
            });
            delete state.ownReactions[item.t];
          } else {
            ctx.overlay.add({ id: item.id, text: item.text, mode: item.mode, color: item.color });
            record(item, p, false);
          }
        });
      }
      root.requestAnimationFrame(frame);
    }
    root.requestAnimationFrame(frame);

    // --- following the index and the windows
    // ids shown more than a minute of program time ago can no longer come back in a fetched window
    function prune(p) {
      Object.keys(state.shown).forEach(function (id) { if (state.shown[id] < p - 60000) delete state.shown[id]; });
      Object.keys(state.fetched).forEach(function (k) {
        if (state.index && (Number(k) + 1) * state.index.length < p - 60000) delete state.fetched[k];
      });
    }

    function fetchWindow(k) {
      state.fetched[k] = true;
      return fetch(withAccess(objects + k + '.json')).then(function (r) {
        if (!r.ok) { delete state.fetched[k]; return; }
        return r.json().then(function (w) { state.queue = T.admit(state.queue, w, state.shown, state.removed); });
      }).catch(function () { delete state.fetched[k]; });
    }

    function poll() {
      var p = playhead();
      if (p === null || document.body.dataset.state !== 'playing') {
        setTimeout(poll, POLL_MS);
        return;
      }
      // revalidated every time: a browser's own copy would add up to a second (max-age=1) of delay;
      // a CDN in front still answers from its copy
      fetch(withAccess(objects + 'index.json'), { cache: 'no-cache' }).then(function (r) {
        if (!r.ok) return null;
        return r.json();
      }).then(function (index) {
        if (!index) return;
        state.index = index;
        (index.removed || []).forEach(function (id) {
          id = String(id);
          if (!state.removed[id]) {
            state.removed[id] = true;
            ctx.overlay.remove(id);
          }
        });
        state.queue = T.drop(state.queue, state.removed);
        prune(p);
        $('comment-text').disabled = index.mode === 'off';
        $('comment-form').dataset.mode = index.mode || 'text';
        return Promise.all(T.windowsToFetch(index, playhead(), state.fetched).map(fetchWindow));
      }).catch(function () { /* the next poll tries again */ }).then(function () {
        setTimeout(poll, POLL_MS);
      });
    }
    poll();

    // --- posting
    // one token per page: concurrent posts share the request for it
    function getToken(fresh) {
      if (token && !fresh) return token;
      token = fetch(withAccess(base + '/viewer-token'), { method: 'POST' }).then(function (r) {
        if (!r.ok) throw new Error('viewer token: HTTP ' + r.status);
        return r.json();
      }).then(function (t) {
        $('comment-text').placeholder = 'Say something as ' + t.nickname + '…';
        return t.token;
      });
      token.catch(function () { token = null; });
      return token;
    }

    function status(text, rule) {
      $('compose-status').textContent = text || '';
      if (rule) $('compose-status').dataset.rule = rule; else delete $('compose-status').dataset.rule;
    }

    function refused(r) {
      var wait = Number(r.headers.get('Retry-After') || 0);
      return r.json().catch(function () { return {}; }).then(function (body) {
        var rule = body.rule || ('http-' + r.status);
        var text = (MESSAGES[rule] || body.error || 'Not posted (HTTP ' + r.status + ').')
          .replace('{s}', wait + (wait === 1 ? ' second' : ' seconds'));
        if (r.status === 429 && wait > 0) {
          blockedUntil = Date.now() + wait * 1000;
          $('comment-send').disabled = true;
          setTimeout(function () { $('comment-send').disabled = false; }, wait * 1000);
        }
        status(text, rule);
      });
    }

    function post(path, body, retried) {
      return getToken(false).then(function (t) {
        return fetch(base + path, {
          method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Viewer ' + t },
          body: JSON.stringify(body)
        });
      }).then(function (r) {
        if (r.status === 401 && !retried) return getToken(true).then(function () { return post(path, body, true); });
        return r;
      });
    }

    PALETTE.forEach(function (c, i) {
      var o = document.createElement('option');
      o.value = c;
      o.textContent = COLOR_NAMES[i];
      o.style.color = c;
      $('comment-color').appendChild(o);
    });

    $('comment-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var text = $('comment-text').value;
      if (!text.trim() || Date.now() < blockedUntil) return;
      var body = { text: text, mode: $('comment-mode').value, color: $('comment-color').value };
      var at = playhead();
      if (at !== null) body.at = Math.round(at);
      status('');
      post('/comments', body).then(function (r) {
        if (r.status !== 201) return refused(r);
        return r.json().then(function (ok) {
          $('comment-text').value = '';
          var item = { id: String(ok.id), t: ok.t, text: text, mode: body.mode, color: body.color };
          ctx.overlay.add({ id: item.id, text: item.text, mode: item.mode, color: item.color, own: true });
          record(item, playhead(), true);
        });
      }).catch(function () { status('Could not reach the server; try again.', 'network'); });
    });

    Array.prototype.forEach.call(document.querySelectorAll('.emoji-bar .emoji'), function (button) {
      button.addEventListener('click', function () {
        var emoji = button.dataset.emoji;
        var at = playhead();
        var body = { emoji: emoji };
        if (at !== null) body.at = Math.round(at);
        ctx.reactions.add(emoji, 1);
        var second = at === null ? null : Math.floor(at / 1000) * 1000;
        post('/reactions', body).then(function (r) {
          if (r.status === 202 || r.status === 201 || r.status === 204) {
            if (second !== null) {
              var own = state.ownReactions[second] = state.ownReactions[second] || {};
              own[emoji] = (own[emoji] || 0) + 1;
            }
            return;
          }
          return refused(r);
        }).catch(function () { status('Could not reach the server; try again.', 'network'); });
      });
    });
  }

  root.AmphiComments = { init: init, PALETTE: PALETTE };
})(window);
