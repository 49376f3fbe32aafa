// The microphone's level on a <meter>, so a speaker sees that the right microphone hears them.
// It measures a clone of the track, so it keeps moving while the sent track is muted.
//
//   var m = new AmphiMicMeter(meterElement); m.use(audioTrack or null); m.level (0..1)
(function () {
  'use strict';
  var INTERVAL_MS = 100;

  function MicMeter(element) {
    this.element = element;
    this.level = 0;
    this.context = null;
    this.source = null;
    this.clone = null;
    this.timer = null;
    var self = this;
    // Browsers start an AudioContext suspended until the page is used; the first click or key resumes it.
    ['pointerdown', 'keydown'].forEach(function (type) {
      window.addEventListener(type, function () {
        if (self.context && self.context.state === 'suspended') self.context.resume().catch(function () {});
      }, { capture: true });
    });
  }

  MicMeter.prototype.use = function (track) {
    this.stop();
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!track || !Context) return;
    if (!this.context) this.context = new Context();
    this.clone = track.clone();
    this.clone.enabled = true;
    this.source = this.context.createMediaStreamSource(new MediaStream([this.clone]));
    var analyser = this.context.createAnalyser();
    analyser.fftSize = 1024;
    this.source.connect(analyser);
    var samples = new Float32Array(analyser.fftSize);
    var self = this;
    this.timer = setInterval(function () {
      analyser.getFloatTimeDomainData(samples);
      var sum = 0;
      for (var i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
      var rms = Math.sqrt(sum / samples.length);
      // -60 dBFS .. 0 dBFS onto 0..1, falling back slowly like a VU meter
      var db = rms > 0 ? 20 * Math.log10(rms) : -100;
      var now = Math.max(0, Math.min(1, (db + 60) / 60));
      self.level = Math.max(now, self.level * 0.7);
      self.element.value = self.level;
    }, INTERVAL_MS);
  };

  MicMeter.prototype.stop = function () {
    clearInterval(this.timer);
    this.timer = null;
    if (this.source) this.source.disconnect();
    this.source = null;
    if (this.clone) this.clone.stop();
    this.clone = null;
    this.level = 0;
    this.element.value = 0;
  };

  window.AmphiMicMeter = MicMeter;
})();
