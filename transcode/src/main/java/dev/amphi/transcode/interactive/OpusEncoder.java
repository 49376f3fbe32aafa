package dev.amphi.transcode.interactive;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.OpusConfig;
import dev.amphi.transcode.ffmpeg.FfmpegException;
import dev.amphi.transcode.ffmpeg.NativeObjects;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.FloatPointer;

/**
 * One Opus encoder (libopus through the bundled FFmpeg): 48 kHz mono, 20 ms frames, application
 * {@code voip}, VBR at the given bitrate. Each {@link #encode} takes one frame of
 * {@value #FRAME_SAMPLES} samples and returns its packet at once (libopus holds nothing back: its
 * 6.5 ms lookahead is inside the coded signal, the same for every encoder, so streams of several
 * encoders cut at the same frame boundaries line up). The caller gives each packet's timestamp.
 *
 * <p>Not thread-safe: one thread encodes; {@link #close()} frees the native encoder.
 */
final class OpusEncoder implements AutoCloseable {

    /** Samples per frame: 20 ms at 48 kHz. */
    static final int FRAME_SAMPLES = 960;
    /** One frame in {@link MediaPacket#TIMESCALE} ticks. */
    static final int FRAME_TICKS = MediaPacket.TIMESCALE / 50;
    static final OpusConfig CONFIG = new OpusConfig(1);

    private AVCodecContext ctx;
    private AVFrame frame;
    private AVPacket packet;
    private long pts;

    /** @param bitrate bit/s, 6000..128000 */
    OpusEncoder(int bitrate) {
        if (bitrate < 6_000 || bitrate > 128_000) {
            throw new IllegalArgumentException("Opus bitrate must be within 6000..128000 bit/s, got " + bitrate);
        }
        AVCodec codec = avcodec_find_encoder_by_name("libopus");
        if (codec == null) {
            throw new IllegalStateException("Opus encoder libopus is not in this FFmpeg build");
        }
        ctx = NativeObjects.codecContext(codec, "the Opus encoder");
        AVDictionary opts = new AVDictionary(null);
        try {
            ctx.sample_fmt(AV_SAMPLE_FMT_FLT);
            ctx.sample_rate(OpusConfig.SAMPLE_RATE);
            av_channel_layout_default(ctx.ch_layout(), 1);
            ctx.bit_rate(bitrate);
            ctx.time_base(av_make_q(1, OpusConfig.SAMPLE_RATE));
            av_dict_set(opts, "application", "voip", 0);
            av_dict_set(opts, "frame_duration", "20", 0);
            FfmpegException.check(avcodec_open2(ctx, codec, opts), "avcodec_open2(libopus)");
            if (ctx.frame_size() != FRAME_SAMPLES) {
                throw new IllegalStateException("libopus frame size is " + ctx.frame_size() + ", expected " + FRAME_SAMPLES);
            }
            frame = NativeObjects.frame();
            packet = NativeObjects.packet();
            frame.format(AV_SAMPLE_FMT_FLT).nb_samples(FRAME_SAMPLES).sample_rate(OpusConfig.SAMPLE_RATE);
            FfmpegException.check(av_channel_layout_copy(frame.ch_layout(), ctx.ch_layout()), "av_channel_layout_copy");
            FfmpegException.check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer(opus frame)");
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        } finally {
            av_dict_free(opts);
        }
    }

    /**
     * Encodes {@value #FRAME_SAMPLES} mono samples from {@code pcm[offset]}.
     *
     * @param dts the packet's timestamp, 90 kHz
     * @return the packet, or null in the unlikely case that libopus gave none for this frame
     */
    MediaPacket encode(float[] pcm, int offset, long dts) {
        if (ctx == null) {
            throw new IllegalStateException("encoder is closed");
        }
        FfmpegException.check(av_frame_make_writable(frame), "av_frame_make_writable(opus frame)");
        new FloatPointer(frame.data(0)).put(pcm, offset, FRAME_SAMPLES);
        frame.pts(pts);
        pts += FRAME_SAMPLES;
        FfmpegException.check(avcodec_send_frame(ctx, frame), "avcodec_send_frame(libopus)");
        MediaPacket out = null;
        while (true) {
            int rc = avcodec_receive_packet(ctx, packet);
            if (rc == AVERROR_EAGAIN() || rc == AVERROR_EOF) {
                return out;
            }
            FfmpegException.check(rc, "avcodec_receive_packet(libopus)");
            try {
                byte[] data = new byte[packet.size()];
                packet.data().get(data);
                out = new MediaPacket(MediaKind.AUDIO, CONFIG, dts, 0, true, data);
            } finally {
                av_packet_unref(packet);
            }
        }
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
