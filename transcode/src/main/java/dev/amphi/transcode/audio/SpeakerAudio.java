package dev.amphi.transcode.audio;

import dev.amphi.transcode.ffmpeg.FfmpegException;

import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_flush_buffers;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

import dev.amphi.media.AacConfig;
import dev.amphi.media.CodecConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.OpusConfig;
import dev.amphi.transcode.ffmpeg.NativeObjects;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One speaker's audio on the program clock: decodes the speaker's AAC or Opus packets (FFmpeg's
 * native decoders, {@link AudioDecoders}; a new configuration, a codec switch included, opens a new
 * decoder), resamples them to 48 kHz stereo float ({@link Resampler}) and writes them into a ring
 * buffer at program sample {@code programPts * 48000 / 90000}, from which the mixer reads.
 *
 * <p>Placement: consecutive frames are written back to back, so rounding and jitter in the
 * packets' timestamps (RTMP carries milliseconds) never open one-sample gaps or overlaps. When a
 * frame's program position is more than {@link #RESYNC_FRAMES} away from where the previous one
 * ended, the stream resynchronises on the frame's own position: a jump forward leaves silence, a
 * jump backward overwrites. A source clock drifting against the program clock is thus corrected
 * in steps of at most that size (no resampling compensation yet). Opus packets come with
 * sample-exact timestamps (RTP's 48 kHz clock), so their tolerance is {@link #OPUS_RESYNC_FRAMES}:
 * a lost packet leaves its own place silent instead of shifting everything after it earlier.
 *
 * <p>Silence by the sender's word: a packet whose {@link MediaPacket#audioLevel() audio level}
 * (RTP header extension, WebRTC) is {@code silentLevel} -dBov or quieter is not decoded once
 * {@link #HANGOVER_PACKETS} such packets in a row were (so a word's tail and the decoder's state
 * ring out): its place in the ring stays silent, and the level it claims is kept for the mixer's
 * meter ({@link #hintedPower}). A packet with a louder level, or without one, is decoded as usual.
 *
 * <p>Threads: {@link #onPacket} and {@link #discontinuity} run on the speaker's decode worker,
 * {@link #read} on the mixer thread; they share only the ring, under a short lock. The native
 * decoder and resampler are owned by this object and freed by {@link #close()}, which may be
 * called from any thread (it waits for a running {@code onPacket}) and more than once.
 */
public final class SpeakerAudio implements AutoCloseable {

    /**
     * Default ring length: a window of 4 s of program audio. The ring holds only what the mixer has
     * not read yet (about 120 KiB at a 200 ms jitter buffer), not the whole window; see {@link AudioRing}.
     */
    public static final int DEFAULT_RING_MILLIS = 4000;
    /** Largest distance, in program samples (50 ms), absorbed by writing frames back to back. */
    public static final int RESYNC_FRAMES = AudioFormat.SAMPLE_RATE / 20;
    /** The same for Opus packets, whose timestamps are exact: 1 ms. */
    public static final int OPUS_RESYNC_FRAMES = AudioFormat.SAMPLE_RATE / 1000;
    /**
     * Default {@code silentLevel}: packets at -70 dBov or quieter are silence. Speech sits around
     * -20..-40 dBov and its quietest tails above -60; a microphone with noise suppression idles below
     * -70 (a muted one says 127).
     */
    public static final int DEFAULT_SILENT_LEVEL = 70;
    /** Silent-by-level packets in a row that are still decoded before the rest are skipped (100 ms of 20 ms packets). */
    public static final int HANGOVER_PACKETS = 5;
    /** Skipped packets whose claimed level waits for the mixer at most (the jitter buffer holds about ten). */
    static final int MAX_HINTS = 64;

    private static final Logger LOG = LoggerFactory.getLogger(SpeakerAudio.class);

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private final String speakerId;
    private final ReentrantLock ringLock = new ReentrantLock();
    private final AudioRing ring;
    /** Guards the decoder side (decode worker vs. close). */
    private final Object decodeLock = new Object();

    private final AtomicLong decodedFrames = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong resyncs = new AtomicLong();
    private final AtomicLong silentSkips = new AtomicLong();
    private final int silentLevel;
    /** Program sample ranges of skipped packets and their claimed power, oldest first; under ringLock. */
    private final HintQueue hints = new HintQueue(MAX_HINTS);

    // decoder side, guarded by decodeLock
    private AVCodecContext decoder;
    private CodecConfig decoderConfig;
    private AVPacket packet;
    private AVFrame frame;
    private Resampler resampler;
    private boolean synced;
    private long nextSample;
    private boolean closed;
    /** Silent-by-level packets in a row. */
    private int quietRun;

    /** A speaker with a {@link #DEFAULT_RING_MILLIS} ring. */
    public SpeakerAudio(String speakerId) {
        this(speakerId, DEFAULT_RING_MILLIS);
    }

    /**
     * @param ringMillis how much program audio the ring holds, 100..60000 ms; it must cover the
     *                   distance between the decode side's write position and the mixer's read
     *                   position (jitter buffer + packet bursts)
     */
    public SpeakerAudio(String speakerId, int ringMillis) {
        this(speakerId, ringMillis, DEFAULT_SILENT_LEVEL);
    }

    /**
     * @param silentLevel a packet whose audio level is {@code -silentLevel} dBov or quieter (its
     *                    {@link MediaPacket#audioLevel()} at least this, 0..127) counts as silence
     *                    and is not decoded (after the hangover); 128 decodes everything
     */
    public SpeakerAudio(String speakerId, int ringMillis, int silentLevel) {
        this.speakerId = Objects.requireNonNull(speakerId, "speakerId");
        if (ringMillis < 100 || ringMillis > 60_000) {
            throw new IllegalArgumentException("ringMillis must be within 100..60000, was " + ringMillis);
        }
        if (silentLevel < 0 || silentLevel > MediaPacket.SILENT_AUDIO_LEVEL + 1) {
            throw new IllegalArgumentException("silentLevel must be within 0..128 (-dBov), was " + silentLevel);
        }
        this.silentLevel = silentLevel;
        this.ring = new AudioRing((int) ((long) ringMillis * AudioFormat.SAMPLE_RATE / 1000));
    }

    public String speakerId() {
        return speakerId;
    }

    /**
     * Decodes one AAC frame or Opus packet placed at {@code programPts} (90 kHz, the packet's pts
     * mapped onto the program clock), unless its audio level says silence (see above). Never throws
     * for bad input: corrupt frames and decoder failures are counted in {@link #errors()}, logged
     * (rate-limited) and skipped. Packets after {@link #close()} are ignored.
     *
     * @throws OutOfMemoryError when memory ran out (Java heap, or FFmpeg's {@code ENOMEM}): that is
     *                          no bad packet, so it is not counted as one; the decoder is freed
     *                          (the next packet opens a new one) and the error goes on
     */
    public void onPacket(MediaPacket audio, long programPts) {
        Objects.requireNonNull(audio, "audio");
        synchronized (decodeLock) {
            if (closed) {
                return;
            }
            try {
                CodecConfig config = audio.config();
                if (audio.kind() != MediaKind.AUDIO || !(config instanceof AacConfig || config instanceof OpusConfig)) {
                    throw new IllegalArgumentException("not an AAC or Opus packet: " + audio + " with " + config);
                }
                if (audio.hasAudioLevel() && audio.audioLevel() >= silentLevel) {
                    if (++quietRun > HANGOVER_PACKETS) {
                        skipSilent(audio, programPts);
                        return;
                    }
                } else {
                    quietRun = 0;
                }
                if (!config.equals(decoderConfig)) {
                    openDecoder(config);
                }
                decode(audio.data(), programPts);
            } catch (OutOfMemoryError e) {
                freeDecoder();
                throw e;
            } catch (RuntimeException e) {
                long n = errors.incrementAndGet();
                if (isPowerOfTen(n)) {
                    LOG.warn("speaker {}: audio frame skipped ({} so far): {}", speakerId, n, e.getMessage());
                }
            }
        }
    }

    /**
     * Copies program samples {@code [programSample, programSample + frames)} as interleaved
     * stereo into {@code interleavedStereo[2 * offset ..]}, silence where nothing was written or
     * where the samples are older than the ring, and consumes them. Audio decoded later for a
     * position already read is dropped and counted in {@link #lateFrames()}: the mixer should
     * read behind the decode side by at least the input jitter.
     *
     * @return how many of the frames were real audio
     */
    public int read(long programSample, float[] interleavedStereo, int offset, int frames) {
        if (frames < 0 || offset < 0 || 2L * (offset + frames) > interleavedStereo.length) {
            throw new IllegalArgumentException("cannot read " + frames + " frames at offset " + offset
                    + " into " + interleavedStereo.length + " floats");
        }
        ringLock.lock();
        try {
            return ring.read(programSample, interleavedStereo, offset, frames);
        } finally {
            ringLock.unlock();
        }
    }

    /**
     * The publisher reconnected (or its timeline jumped): forget the decoder and resampler state
     * and place the next frame at its own program position. Audio already in the ring stays.
     */
    public void discontinuity() {
        synchronized (decodeLock) {
            if (decoder != null) {
                avcodec_flush_buffers(decoder);
            }
            if (resampler != null) {
                resampler.reset();
            }
            synced = false;
            quietRun = 0;
        }
    }

    /** AAC frames decoded so far. */
    public long decodedFrames() {
        return decodedFrames.get();
    }

    /** Packets skipped because they could not be decoded (corrupt data, wrong config, ...). */
    public long errors() {
        return errors.get();
    }

    /** Packets not decoded because their audio level said silence. */
    public long silentSkips() {
        return silentSkips.get();
    }

    /**
     * Mean power (a full-scale sine: 0.5) that the skipped packets' audio levels claim for program
     * samples {@code [programSample, programSample + frames)}, 0 where no skipped packet lies; forgets
     * what lies before {@code programSample}. For the mixer's meter where {@link #read} found silence.
     */
    public double hintedPower(long programSample, int frames) {
        ringLock.lock();
        try {
            return hints.meanPower(programSample, frames);
        } finally {
            ringLock.unlock();
        }
    }

    /** Times the stream was re-placed because its timestamps left the back-to-back tolerance. */
    public long resyncs() {
        return resyncs.get();
    }

    /** Decoded frames dropped because they arrived after the mixer had read their position. */
    public long lateFrames() {
        ringLock.lock();
        try {
            return ring.lateFrames();
        } finally {
            ringLock.unlock();
        }
    }

    @Override
    public void close() {
        synchronized (decodeLock) {
            closed = true;
            freeDecoder();
            if (resampler != null) {
                resampler.close();
                resampler = null;
            }
        }
    }

    private void openDecoder(CodecConfig config) {
        freeDecoder();
        decoder = AudioDecoders.open(config);
        packet = NativeObjects.packet();
        frame = NativeObjects.frame();
        decoderConfig = config;
        synced = false;
    }

    private void freeDecoder() {
        NativeObjects.free(decoder);
        decoder = null;
        NativeObjects.free(packet);
        packet = null;
        NativeObjects.free(frame);
        frame = null;
        decoderConfig = null;
    }

    private void decode(byte[] data, long programPts) {
        if (data.length == 0) {
            throw new IllegalArgumentException("empty audio packet");
        }
        FfmpegException.checkDecoder(av_new_packet(packet, data.length), "av_new_packet");
        packet.data().put(data, 0, data.length);
        packet.pts(programPts).dts(programPts);
        int rc = avcodec_send_packet(decoder, packet);
        av_packet_unref(packet);
        FfmpegException.checkDecoder(rc, "avcodec_send_packet(audio)");
        long placeAt = AudioFormat.sampleOf(programPts);
        int tolerance = decoderConfig instanceof OpusConfig ? OPUS_RESYNC_FRAMES : RESYNC_FRAMES;
        while (true) {
            rc = avcodec_receive_frame(decoder, frame);
            if (rc == AVERROR_EAGAIN() || rc == AVERROR_EOF()) {
                return;
            }
            FfmpegException.checkDecoder(rc, "avcodec_receive_frame(audio)");
            try {
                if (resampler == null) {
                    resampler = new Resampler();
                }
                int frames = resampler.convert(frame);
                float[] out = resampler.output();
                decodedFrames.incrementAndGet();
                place(placeAt, tolerance, out, frames);
                placeAt = nextSample;
            } finally {
                av_frame_unref(frame);
            }
        }
    }

    /**
     * A packet skipped as silent: it takes its place in the stream as if decoded (so the next
     * decoded packet follows it back to back), its samples stay silent, its level goes to the meter.
     */
    private void skipSilent(MediaPacket audio, long programPts) {
        silentSkips.incrementAndGet();
        int frames = AudioPackets.programFrames(audio);
        int tolerance = audio.config() instanceof OpusConfig ? OPUS_RESYNC_FRAMES : RESYNC_FRAMES;
        long start = position(AudioFormat.sampleOf(programPts), tolerance, frames);
        double power = Math.pow(10, -audio.audioLevel() / 10.0);
        ringLock.lock();
        try {
            hints.add(start, start + frames, power);
        } finally {
            ringLock.unlock();
        }
    }

    /** Where frames meant for {@code target} go: back to back with the last ones, or re-placed. */
    private long position(long target, int tolerance, int frames) {
        long start;
        if (synced && Math.abs(target - nextSample) <= tolerance) {
            start = nextSample;
        } else {
            if (synced) {
                resyncs.incrementAndGet();
            }
            start = target;
            synced = true;
        }
        nextSample = start + frames;
        return start;
    }

    private void place(long target, int tolerance, float[] pcm, int frames) {
        long start = position(target, tolerance, frames);
        ringLock.lock();
        try {
            ring.write(start, pcm, 0, frames);
        } finally {
            ringLock.unlock();
        }
    }

    private static boolean isPowerOfTen(long n) {
        while (n >= 10 && n % 10 == 0) {
            n /= 10;
        }
        return n == 1;
    }
}
