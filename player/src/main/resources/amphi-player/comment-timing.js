// The timing rules of the comment client, as pure functions over plain data (no DOM, no clock,
// no network), so a test can drive them with any playhead. The watch page's comments.js feeds
// them the index, the fetched windows and the playhead's program time P (hls.js playingDate).
//
// - windowsToFetch: the windows worth fetching now (immutable objects, each fetched once).
// - admit: adds a window's comments and reactions to the queue, skipping ids already shown and
//   ids removed by a moderator, keeping the queue in program-time order.
// - due: splits the queue at P: what to show now (t reached, at most LATE_MS behind P), what was
//   missed (more than LATE_MS behind: never shown live), what waits.
(function (root) {
  'use strict';

  // A comment up to 5 s behind the playhead is still shown at once. A comment posted by a viewer
  // in the same latency band as this one reaches the page after its time by up to the comment
  // pipeline's delay: the rest of the window open when it arrived (up to 2 s), the publishing hold
  // (0.5 s), the index poll (1 s) and an edge's copy of the index (up to 1 s), about 4.5 s at most.
  var LATE_MS = 5000;
  var EARLY_MS = 0; // shown at the first frame whose playhead reached t (a frame is ~17 ms)

  /**
   * The window numbers to fetch: k·length ≥ P − LATE_MS − length (a window that can still hold a
   * comment worth showing), oldest ≤ k ≤ latest, not fetched yet (fetched: an object k → true).
   * Without a playhead (not playing yet) only the newest window is worth having.
   */
  function windowsToFetch(index, playhead, fetched, maxCount) {
    if (!index || index.latest === null || index.latest === undefined || !(index.length > 0)) return [];
    var latest = index.latest;
    var oldest = index.oldest === null || index.oldest === undefined ? latest : index.oldest;
    var first = playhead === null || playhead === undefined
      ? latest
      : Math.ceil((playhead - LATE_MS - index.length) / index.length);
    first = Math.max(first, oldest);
    var limit = maxCount || 8;
    var out = [];
    for (var k = first; k <= latest && out.length < limit; k++) {
      if (!fetched[k]) out.push(k);
    }
    return out;
  }

  function byTime(a, b) {
    return a.t - b.t || (a.kind === b.kind ? 0 : a.kind === 'reaction' ? 1 : -1);
  }

  /**
   * A new queue holding the old one and the window's comments (kind 'comment') and reaction
   * seconds (kind 'reaction', id 'r' + t), minus what is in shown or removed (objects id → true).
   */
  function admit(queue, windowObject, shown, removed) {
    var out = queue.slice();
    var seen = {};
    for (var i = 0; i < out.length; i++) seen[out[i].id] = true;
    var comments = (windowObject && windowObject.comments) || [];
    for (var c = 0; c < comments.length; c++) {
      var cm = comments[c];
      var id = String(cm.id);
      if (shown[id] || removed[id] || seen[id] || typeof cm.t !== 'number') continue;
      seen[id] = true;
      out.push({ kind: 'comment', id: id, t: cm.t, text: String(cm.text), mode: cm.mode || 'scroll',
        color: cm.color || '#ffffff', nick: cm.nick || '' });
    }
    var reactions = (windowObject && windowObject.reactions) || [];
    for (var r = 0; r < reactions.length; r++) {
      var re = reactions[r];
      var rid = 'r' + re.t;
      if (shown[rid] || seen[rid] || typeof re.t !== 'number') continue;
      seen[rid] = true;
      out.push({ kind: 'reaction', id: rid, t: re.t, counts: re.counts || {} });
    }
    out.sort(byTime);
    return out;
  }

  /** The queue without the removed ids (a comment removed before it was shown is never shown). */
  function drop(queue, removed) {
    return queue.filter(function (item) { return !removed[item.id]; });
  }

  /**
   * Splits the queue at playhead P: show = t − EARLY_MS ≤ P and P − t ≤ LATE_MS,
   * missed = P − t > LATE_MS, wait = the rest (t − EARLY_MS > P). No playhead: everything waits.
   */
  function due(queue, playhead) {
    var result = { show: [], missed: [], wait: [] };
    if (playhead === null || playhead === undefined) {
      result.wait = queue.slice();
      return result;
    }
    for (var i = 0; i < queue.length; i++) {
      var item = queue[i];
      if (item.t - EARLY_MS > playhead) {
        result.wait.push(item);
      } else if (playhead - item.t > LATE_MS) {
        result.missed.push(item);
      } else {
        result.show.push(item);
      }
    }
    return result;
  }

  var api = { LATE_MS: LATE_MS, EARLY_MS: EARLY_MS, windowsToFetch: windowsToFetch, admit: admit, drop: drop, due: due };
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
  root.AmphiTiming = api;
})(typeof window !== 'undefined' ? window : this);
