// Reactions float up from the player's bottom-right corner. A burst merges: while an emoji's
// bubble is rising (MERGE_MS), more of the same emoji add to its count ("👏 ×120") instead of
// starting new bubbles, and at most MAX_BUBBLES rise at once (beyond that, the newest bubble of
// any emoji takes the count), so a thousand taps cost a handful of elements.
(function (root) {
  'use strict';

  var RISE_MS = 2600;
  var MERGE_MS = 1200;
  var MAX_BUBBLES = 8;

  function Reactions(container) {
    this.container = container;
    this.bubbles = [];
    this.total = {}; // emoji → count shown so far (tests and the console)
  }

  Reactions.prototype.add = function (emoji, count) {
    var n = Math.max(1, Math.floor(count || 1));
    var now = performance.now();
    this.total[emoji] = (this.total[emoji] || 0) + n;
    this.bubbles = this.bubbles.filter(function (b) { return now - b.born < RISE_MS; });
    var target = null;
    for (var i = this.bubbles.length - 1; i >= 0; i--) {
      var b = this.bubbles[i];
      if (b.emoji === emoji && now - b.born < MERGE_MS) { target = b; break; }
    }
    if (!target && this.bubbles.length >= MAX_BUBBLES) {
      for (var j = this.bubbles.length - 1; j >= 0 && !target; j--) {
        if (this.bubbles[j].emoji === emoji) target = this.bubbles[j];
      }
    }
    if (target) {
      target.count += n;
      this.label(target);
      return;
    }
    var el = document.createElement('span');
    el.className = 'reaction';
    el.style.right = (8 + Math.floor(Math.random() * 40)) + 'px';
    this.container.appendChild(el);
    var bubble = { emoji: emoji, count: n, born: now, el: el };
    this.label(bubble);
    this.bubbles.push(bubble);
    setTimeout(function () { el.remove(); }, RISE_MS);
  };

  Reactions.prototype.label = function (bubble) {
    bubble.el.textContent = bubble.count > 1 ? bubble.emoji + ' ×' + bubble.count : bubble.emoji;
  };

  root.AmphiReactions = {
    create: function (container) { return new Reactions(container); }
  };
})(window);
