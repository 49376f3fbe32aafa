package dev.amphi.transcode.encode;

import dev.amphi.transcode.ffmpeg.FfmpegException;
import dev.amphi.transcode.ffmpeg.NativeObjects;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import dev.amphi.media.AacConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.FloatPointer;

/**
 * AAC-LC encoder (FFmpeg's native {@code aac}) for the program mix: 48 kHz stereo float in, one
 * {@link MediaPacket} per 1024-sample AAC frame out, timed on the program clock.
 *
 * <p>Input comes as interleaved stereo chunks of any length tagged with the program sample index
 * of their first sample ({@code programPts * 48000 / 90000}). The encoder buffers them into
 * 1024-sample frames. A chunk that starts later than expected is preceded by silence (gaps up to
 * one second; a longer gap starts a new frame sequence at the new index); samples that overlap
 * ones already taken are dropped. Packet pts = the program sample index of the audio it decodes
 * to, converted to 90 kHz: FFmpeg's encoder adds one priming frame, so the first packet's pts is
 * 1024 samples (1920 ticks) before the first input sample.
 *
 * <p>Not thread-safe: one thread (the mixer) encodes; {@link #close()} frees the native encoder.
 */
public final class AacEncoder implements AutoCloseable {

    public static final int SAMPLE_RATE = 48_000;
    public static final int CHANNELS = 2;
    private static final long MAX_SILENCE_FILL = SAMPLE_RATE;

    static {
        av_log_set_level(AV_LOG_ERROR);
    }

    private final AacConfig config;
    private final int frameSize;
    private final float[] left;
    private final float[] right;
    private AVCodecContext ctx;
    private AVFrame frame;
    private AVPacket packet;

    private int buffered;
    private long bufferStart;
    private long expected = Long.MIN_VALUE;
    private boolean flushed;
    private long packetsOut;
    private long silenceFilled;
    private long overlapDropped;

    /**
     * Opens the encoder.
     *
     * @param bitrate total bitrate in bit/s, 16000..512000 (e.g. 128000)
     */
    public AacEncoder(int bitrate) {
        if (bitrate < 16_000 || bitrate > 512_000) {
            throw new IllegalArgumentException("AAC bitrate must be within 16000..512000 bit/s, got " + bitrate);
        }
        AVCodec codec = avcodec_find_encoder_by_name("aac");
        if (codec == null) {
            throw new IllegalStateException("AAC encoder aac is not in this FFmpeg build");
        }
        ctx = NativeObjects.codecContext(codec, "the AAC encoder");
        try {
            ctx.sample_fmt(AV_SAMPLE_FMT_FLTP);
            ctx.sample_rate(SAMPLE_RATE);
            av_channel_layout_default(ctx.ch_layout(), CHANNELS);
            ctx.bit_rate(bitrate);
            ctx.time_base(av_make_q(1, SAMPLE_RATE));
            ctx.flags(ctx.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
            FfmpegException.check(avcodec_open2(ctx, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "avcodec_open2(aac)");
            frameSize = ctx.frame_size();
            if (frameSize != AacConfig.SAMPLES_PER_FRAME) {
                throw new IllegalStateException("aac encoder frame size is " + frameSize + ", expected "
                        + AacConfig.SAMPLES_PER_FRAME);
            }
            int size = ctx.extradata_size();
            if (ctx.extradata() == null || size < 2) {
                throw new IllegalStateException("aac encoder produced no AudioSpecificConfig");
            }
            byte[] asc = new byte[size];
            ctx.extradata().get(asc);
            config = AacConfig.parse(asc);
            left = new float[frameSize];
            right = new float[frameSize];
            frame = NativeObjects.frame();
            packet = NativeObjects.packet();
            frame.format(AV_SAMPLE_FMT_FLTP).nb_samples(frameSize).sample_rate(SAMPLE_RATE);
            FfmpegException.check(av_channel_layout_copy(frame.ch_layout(), ctx.ch_layout()), "av_channel_layout_copy");
            FfmpegException.check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer(aac frame)");
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** The AudioSpecificConfig every packet refers to. */
    public AacConfig config() {
        return config;
    }

    /**
     * Adds {@code frames} stereo samples ({@code 2 * frames} floats from {@code offset}, L R L R…,
     * nominally within -1..1) whose first sample sits at program sample {@code programSample}.
     *
     * @return the AAC packets completed by this call (possibly none)
     */
    public List<MediaPacket> encode(float[] interleavedStereo, int offset, int frames, long programSample) {
        if (ctx == null) {
            throw new IllegalStateException("encoder is closed");
        }
        if (flushed) {
            throw new IllegalStateException("encoder was flushed; open a new one");
        }
        if (frames < 0 || offset < 0 || (long) offset + 2L * frames > interleavedStereo.length) {
            throw new IllegalArgumentException(frames + " stereo frames from offset " + offset + " do not fit in "
                    + interleavedStereo.length + " floats");
        }
        List<MediaPacket> out = new ArrayList<>(2);
        if (expected == Long.MIN_VALUE) {
            expected = programSample;
            bufferStart = programSample;
        }
        if (programSample < expected) {
            int skip = (int) Math.min(frames, expected - programSample);
            overlapDropped += skip;
            offset += 2 * skip;
            frames -= skip;
            programSample += skip;
        }
        if (frames == 0) {
            return out;
        }
        long gap = programSample - expected;
        if (gap > MAX_SILENCE_FILL) {
            if (buffered > 0) {
                silenceFilled += frameSize - buffered;
                while (buffered < frameSize) {
                    left[buffered] = 0f;
                    right[buffered++] = 0f;
                }
                emit(frameSize, out);
            }
            bufferStart = programSample;
            expected = programSample;
        } else {
            silenceFilled += gap;
            for (long i = 0; i < gap; i++) {
                push(0f, 0f, out);
            }
        }
        for (int i = 0; i < frames; i++) {
            push(interleavedStereo[offset + 2 * i], interleavedStereo[offset + 2 * i + 1], out);
        }
        return out;
    }

    private void push(float l, float r, List<MediaPacket> out) {
        left[buffered] = l;
        right[buffered] = r;
        buffered++;
        expected++;
        if (buffered == frameSize) {
            emit(frameSize, out);
        }
    }

    private void emit(int samples, List<MediaPacket> out) {
        FfmpegException.check(av_frame_make_writable(frame), "av_frame_make_writable(aac frame)");
        frame.nb_samples(samples);
        new FloatPointer(frame.data(0)).put(left, 0, samples);
        new FloatPointer(frame.data(1)).put(right, 0, samples);
        frame.pts(bufferStart);
        FfmpegException.check(avcodec_send_frame(ctx, frame), "avcodec_send_frame(aac)");
        bufferStart += samples;
        buffered = 0;
        drain(out);
    }

    /** Encodes what is buffered and drains the encoder; {@link #encode} may not be called afterwards. */
    public List<MediaPacket> flush() {
        List<MediaPacket> out = new ArrayList<>();
        if (ctx == null || flushed) {
            return out;
        }
        if (buffered > 0) {
            emit(buffered, out); // the aac encoder accepts a short last frame
        }
        flushed = true;
        FfmpegException.check(avcodec_send_frame(ctx, null), "avcodec_send_frame(aac, flush)");
        drain(out);
        return out;
    }

    private void drain(List<MediaPacket> out) {
        while (true) {
            int rc = avcodec_receive_packet(ctx, packet);
            if (rc == AVERROR_EAGAIN() || rc == AVERROR_EOF) {
                return;
            }
            FfmpegException.check(rc, "avcodec_receive_packet(aac)");
            try {
                byte[] data = new byte[packet.size()];
                packet.data().get(data);
                long pts = Math.floorDiv(packet.pts() * MediaPacket.TIMESCALE, SAMPLE_RATE);
                out.add(new MediaPacket(MediaKind.AUDIO, config, pts, 0, true, data));
                packetsOut++;
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    /** Packets returned so far. */
    public long packetsOut() {
        return packetsOut;
    }

    /** Samples of silence inserted for gaps in the input. */
    public long silenceFilled() {
        return silenceFilled;
    }

    /** Input samples dropped because they overlapped samples already taken. */
    public long overlapDropped() {
        return overlapDropped;
    }

    @Override
    public void close() {
        NativeObjects.free(frame);
        frame = null;
        NativeObjects.free(packet);
        packet = null;
        NativeObjects.free(ctx);
        ctx = null;
    }
}
