// The speaker page's signalling: WHIP over fetch, without trickle ICE (the server is ICE-lite and
// its answer carries all it needs, so the offer is sent once gathering is complete or after
// GATHER_MS with what was gathered by then).
//
//   AmphiWhip.iceServers(room, key)                 -> Promise<RTCIceServer[]> (none if unavailable)
//   AmphiWhip.publish(pc, room, key, query)          -> Promise<{location}>; pc gets the answer
//   AmphiWhip.remove(location, key)                  -> Promise (best effort)
//
// A refusal rejects with an AmphiWhip.Failure: {status, kind, message, retry}. kind is one of
// key | removed (the host took this speaker off) | missing | full | offer | unavailable | server | network; retry says whether trying the
// same request again later can succeed (a full room, a server error, the network).
(function () {
  'use strict';
  var GATHER_MS = 2000;

  function Failure(status, kind, message, retry) {
    this.status = status;
    this.kind = kind;
    this.message = message;
    this.retry = retry;
  }
  Failure.prototype = Object.create(Error.prototype);
  Failure.prototype.name = 'AmphiWhip.Failure';

  function roomPath(room) {
    return '/api/rooms/' + encodeURIComponent(room);
  }

  function network(err) {
    return new Failure(0, 'network', 'The server cannot be reached (' + (err && err.message || 'network error') +
      '). Check your connection.', true);
  }

  // The server's reason (text/plain, first line, bounded) for messages that benefit from it.
  function reason(response) {
    return response.text().then(function (text) {
      return String(text || '').split(/\r?\n/)[0].trim().slice(0, 200);
    }).catch(function () { return ''; });
  }

  function refusal(response, room) {
    return reason(response).then(function (why) {
      var s = response.status;
      var detail = why ? ' (' + why + ')' : '';
      if (s === 403) return new Failure(s, 'removed', 'The host took you off this room' + detail + '.', false);
      if (s === 401) return new Failure(s, 'key', 'The room key is not right. Check it and join again.', false);
      if (s === 404) return new Failure(s, 'missing', 'There is no room called ' + room + '.', false);
      if (s === 409) return new Failure(s, 'full', 'The room is full: it has as many speakers as it allows.' + detail, true);
      if (s === 400) return new Failure(s, 'offer', 'The server did not accept this browser\'s media offer' + detail + '.', false);
      if (s === 413 || s === 415) return new Failure(s, 'offer', 'The server refused the request' + detail + '.', false);
      if (s === 503) return new Failure(s, 'unavailable', 'This server does not take speakers from the browser right now' +
        detail + '.', true);
      return new Failure(s, 'server', 'The server answered ' + s + detail + '.', s >= 500);
    });
  }

  function auth(key) {
    return { 'Authorization': 'Bearer ' + key };
  }

  function iceServers(room, key) {
    return fetch(roomPath(room) + '/ice-servers', { headers: auth(key), cache: 'no-store' }).then(function (r) {
      // Only a refused key stops here; anything else (no such route, WebRTC off) is for the WHIP POST to say.
      if (r.status === 401 || r.status === 403) return refusal(r, room).then(function (f) { throw f; });
      if (!r.ok) return [];
      return r.json().then(function (body) {
        return body && Array.isArray(body.iceServers) ? body.iceServers.filter(function (s) { return s && s.urls; }) : [];
      }, function () { return []; });
    }, function (err) { throw network(err); });
  }

  function gathered(pc) {
    if (pc.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise(function (resolve) {
      var timer = setTimeout(done, GATHER_MS);
      function done() {
        clearTimeout(timer);
        pc.removeEventListener('icegatheringstatechange', check);
        resolve();
      }
      function check() {
        if (pc.iceGatheringState === 'complete') done();
      }
      pc.addEventListener('icegatheringstatechange', check);
    });
  }

  // query: {name: ..} or {speaker: ..}; empty values are left out.
  function publish(pc, room, key, query) {
    var params = new URLSearchParams();
    Object.keys(query || {}).forEach(function (k) {
      if (query[k]) params.set(k, query[k]);
    });
    var url = roomPath(room) + '/whip' + (params.toString() ? '?' + params : '');
    return pc.createOffer().then(function (offer) {
      return pc.setLocalDescription(offer);
    }).then(function () {
      return gathered(pc);
    }).then(function () {
      var headers = auth(key);
      headers['Content-Type'] = 'application/sdp';
      return fetch(url, { method: 'POST', headers: headers, body: pc.localDescription.sdp, cache: 'no-store' })
        .catch(function (err) { throw network(err); });
    }).then(function (r) {
      if (r.status !== 201 && r.status !== 200) return refusal(r, room).then(function (f) { throw f; });
      var location = r.headers.get('Location');
      return r.text().then(function (answer) {
        if (!location || !answer) {
          throw new Failure(r.status, 'server', 'The server\'s answer is incomplete (no SDP or no Location).', true);
        }
        return pc.setRemoteDescription({ type: 'answer', sdp: answer }).then(function () {
          return { location: new URL(location, window.location.href).href };
        }, function (err) {
          remove(location, key);  // the server made a session this browser cannot use
          throw new Failure(r.status, 'offer', 'This browser cannot use the server\'s answer (' + err.message + ').', false);
        });
      });
    });
  }

  function remove(location, key) {
    if (!location) return Promise.resolve();
    return fetch(location, { method: 'DELETE', headers: auth(key), keepalive: true })
      .then(function () {}, function () {});
  }

  window.AmphiWhip = { iceServers: iceServers, publish: publish, remove: remove, Failure: Failure, GATHER_MS: GATHER_MS };
})();
