// One WHIP session of the speaker page (whip.js does the HTTP), kept up by itself: a connection
// that fails, stays 'disconnected' for DISCONNECTED_MS or does not connect within CONNECT_MS after
// the answer is closed and replaced by a new session with the same query (the server gives the
// speaker's tile back to the same name), after an exponential backoff with jitter. The old one is
// not DELETEd: that would mean leaving. Before the first connection, any refusal ends it; after,
// refusals that can pass (a full room, the server, the network) are retried.
//
//   new AmphiSession({room, key: () => KEY, query: {name} | {speaker}, direction: sendrecv | sendonly | recvonly,
//                     tracks: () => ({audio, video}), stream, onTrack(track), onUpdate(state, detail)})
//   state: joining | joined | reconnecting ({why, attempt, delayMs}) | error (an AmphiWhip.Failure)
//   .start() .retryNow() .replace(kind, track) .leave() (DELETE) .close(); .pc, .location
(function () {
  'use strict';
  var CONNECT_MS = 15000;
  var DISCONNECTED_MS = 3000;
  var BACKOFF_MIN_MS = 1000;
  var BACKOFF_MAX_MS = 30000;

  function Session(opts) {
    this.opts = opts;
    this.pc = null;
    this.location = null;
    this.attempt = 0;
    this.timer = null;
    this.closed = false;
    this.everJoined = false;
    this.generation = 0;  // each connect() is one; an older one's late results are dropped
  }

  Session.prototype.start = function () {
    this.opts.onUpdate('joining');
    this.connect();
  };

  Session.prototype.connect = function () {
    var self = this;
    var gen = ++this.generation;
    var pc = null;
    function current() { return !self.closed && gen === self.generation; }
    clearTimeout(this.timer);
    if (this.pc) this.pc.close();
    this.pc = null;
    AmphiWhip.iceServers(this.opts.room, this.opts.key()).then(function (iceServers) {
      if (!current()) return null;
      pc = new RTCPeerConnection({ iceServers: iceServers, bundlePolicy: 'max-bundle' });
      self.pc = pc;
      self.location = null;
      ['audio', 'video'].forEach(function (kind) {
        var t = self.opts.tracks ? self.opts.tracks()[kind] : null;  // the current ones, after device switches
        if (self.opts.direction === 'recvonly') {
          pc.addTransceiver(kind, { direction: 'recvonly' });
        } else if (t) {
          pc.addTransceiver(t, { direction: self.opts.direction, streams: [self.opts.stream || new MediaStream([t])] });
        } else if (self.opts.direction === 'sendrecv') {
          pc.addTransceiver(kind, { direction: 'sendrecv' });  // nothing to send yet; the program still comes back
        }
      });
      pc.ontrack = function (ev) {
        if (self.pc === pc && self.opts.onTrack) self.opts.onTrack(ev.track);
      };
      pc.onconnectionstatechange = function () { self.watch(pc); };
      self.timer = setTimeout(function () { self.drop(pc, 'the media connection did not open'); }, CONNECT_MS);
      return AmphiWhip.publish(pc, self.opts.room, self.opts.key(), self.opts.query).then(function (created) {
        if (!current() || self.pc !== pc) {
          AmphiWhip.remove(created.location, self.opts.key());  // left or replaced meanwhile
          return;
        }
        self.location = created.location;
      });
    }).catch(function (failure) {
      if (!current() || (pc && self.pc !== pc)) return;  // left, or a newer attempt took over
      if (pc) pc.close();  // this attempt's connection is of no use
      self.pc = null;
      if (!(failure instanceof AmphiWhip.Failure)) {
        failure = new AmphiWhip.Failure(0, 'server', 'Joining failed: ' + (failure && failure.message || failure), true);
      }
      if (self.everJoined && failure.retry) {
        self.retry(failure.message);
      } else {
        self.close();
        self.opts.onUpdate('error', failure);
      }
    });
  };

  Session.prototype.watch = function (pc) {
    var self = this;
    if (pc !== this.pc || this.closed) return;
    var s = pc.connectionState;
    if (s === 'connected') {
      clearTimeout(this.timer);
      this.attempt = 0;
      this.everJoined = true;
      // a server that ends the session says so over DTLS (close_notify): reconnect at once instead
      // of waiting for ICE to time out
      var dtls = pc.getReceivers().concat(pc.getSenders()).map(function (x) { return x.transport; })
          .filter(Boolean)[0];
      if (dtls) {
        dtls.onstatechange = function () {
          if (dtls.state === 'closed' || dtls.state === 'failed') self.drop(pc, 'the server ended the connection');
        };
      }
      this.opts.onUpdate('joined');
    } else if (s === 'failed') {
      this.drop(pc, 'the connection failed');
    } else if (s === 'disconnected') {
      clearTimeout(this.timer);
      this.timer = setTimeout(function () { self.drop(pc, 'the connection was lost'); }, DISCONNECTED_MS);
    }
  };

  // The session is gone for the browser: start a new one with the same name, which the server
  // gives the speaker's tile back to. The old one is not DELETEd (that would mean leaving).
  Session.prototype.drop = function (pc, why) {
    if (pc !== this.pc || this.closed) return;
    this.everJoined = true;  // the server took us: from here on, refusals that can pass are retried
    this.pc = null;
    pc.close();
    this.retry(why);
  };

  Session.prototype.retry = function (why) {
    var self = this;
    this.attempt++;
    var delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * Math.pow(2, this.attempt - 1));
    delay = Math.round(delay * (0.8 + Math.random() * 0.4));  // spread a whole room's reconnections
    this.opts.onUpdate('reconnecting', { why: why, attempt: this.attempt, delayMs: delay });
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.connect(); }, delay);
  };

  Session.prototype.retryNow = function () {
    if (!this.closed && !this.pc && this.attempt > 0) this.connect();
  };

  Session.prototype.replace = function (kind, t) {
    if (!this.pc) return null;
    var tr = this.pc.getTransceivers().find(function (x) {
      return x.receiver.track && x.receiver.track.kind === kind && x.direction !== 'recvonly';
    });
    return tr ? tr.sender.replaceTrack(t) : null;
  };

  Session.prototype.close = function () {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.pc) this.pc.close();
    this.pc = null;
  };

  Session.prototype.leave = function () {
    var where = this.location;
    this.close();
    this.location = null;
    return AmphiWhip.remove(where, this.opts.key());
  };

  Session.CONNECT_MS = CONNECT_MS;
  Session.DISCONNECTED_MS = DISCONNECTED_MS;
  window.AmphiSession = Session;
})();
