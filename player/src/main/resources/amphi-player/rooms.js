// Lists the live rooms (GET /api/rooms) and refreshes the list every few seconds.
(function () {
  'use strict';
  var REFRESH_MS = 3000;
  var list = document.getElementById('rooms');
  var status = document.getElementById('status');

  function render(rooms) {
    var live = rooms.filter(function (r) { return r.live; });
    list.replaceChildren.apply(list, live.map(function (r) {
      var a = document.createElement('a');
      a.href = '/watch/' + encodeURIComponent(r.name);
      var dot = document.createElement('span');
      dot.className = 'live-dot';
      a.append(dot, r.title);
      var li = document.createElement('li');
      li.append(a);
      return li;
    }));
    status.textContent = live.length ? '' : 'Nothing is live right now. This page refreshes by itself.';
  }

  function refresh() {
    fetch('/api/rooms', { cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(render)
      .catch(function () { status.textContent = 'Cannot reach the server; retrying…'; })
      .finally(function () { setTimeout(refresh, REFRESH_MS); });
  }
  refresh();
})();
