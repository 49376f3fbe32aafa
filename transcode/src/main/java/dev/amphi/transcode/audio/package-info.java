/**
 * The audio half of a room's program: per-speaker AAC or Opus decoding and resampling onto the program
 * clock ({@link dev.amphi.transcode.audio.SpeakerAudio}), the mix of the loudest speakers with
 * click-free gain ramps and a limiter ({@link dev.amphi.transcode.audio.AudioMixer}), and the
 * choice of the active speaker from the measured levels
 * ({@link dev.amphi.transcode.audio.ActiveSpeakerDetector}).
 *
 * <p>Format after decode, everywhere: 48 kHz, stereo, interleaved 32-bit float in [-1, 1].
 * Program sample index {@code s} of program time {@code pts} (90 kHz) is
 * {@code floorDiv(pts * 48000, 90000)} ({@link dev.amphi.transcode.audio.AudioFormat}).
 *
 * <p>Threads: a speaker's decode worker calls {@code SpeakerAudio.onPacket}; the room's mixer
 * thread (the program clock) calls {@code SpeakerAudio.read}, {@code AudioMixer.mix} and
 * {@code ActiveSpeakerDetector.update}. The only shared state between the two is each speaker's
 * ring buffer, guarded by a short lock. {@code AudioMixer} and {@code ActiveSpeakerDetector} are
 * confined to the mixer thread, except {@code AudioMixer.levelsDbfs()}, which returns an immutable
 * snapshot readable from any thread.
 */
package dev.amphi.transcode.audio;
