/**
 * Demo speakers: synthetic publishers that look and sound distinct (a moving pattern over a
 * background of their own hue with their name, a tone of their own pitch, talking in turns) and
 * feed the same {@link dev.amphi.media.MediaSink} path a real RTMP publisher feeds, so a newcomer
 * sees a composited room at once ({@code --demo N}) and tests get deterministic speakers.
 *
 * <p>{@link dev.amphi.transcode.demo.DemoSpeaker#start} encodes one short loop per speaker on the
 * caller's thread (a few hundred milliseconds), then replays its packets in real time with
 * advancing 90 kHz timestamps from ticks on the caller's {@code ScheduledExecutorService}; the
 * sink is called on that timer's thread, never concurrently for one speaker. The loops hold only
 * Java byte arrays: the native encoders are closed before {@code start} returns.
 */
package dev.amphi.transcode.demo;
