package dev.amphi.transcode.testing;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.OpusConfig;
import dev.amphi.media.Vp8Config;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * What a WebRTC speaker sends, made with the bundled FFmpeg at test time: VP8 (libvpx, realtime,
 * no alt-ref lag, as browsers send it) and Opus (libopus, 20 ms packets), as the depacketizers
 * hand them over: one frame or packet per {@link MediaPacket}, 90 kHz timestamps from zero.
 */
public final class WebRtcStreams {

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private static final int EAGAIN = -11;

    private WebRtcStreams() {
    }

    /**
     * {@code frames} pictures at 30 fps of the flat colour {@code yuvOfFrame.apply(i)} (BT.601 limited
     * range Y, Cb, Cr) with a small moving block, a keyframe every {@code gop} frames.
     */
    public static List<MediaPacket> vp8(int width, int height, int frames, int gop, IntFunction<int[]> yuvOfFrame) {
        return vp8(width, height, frames, gop, false, yuvOfFrame);
    }

    /**
     * As above; with {@code twoLayers}, in two temporal layers as browsers send screen shares and
     * simulcast: every second frame (the upper layer) updates no reference buffer.
     */
    public static List<MediaPacket> vp8(int width, int height, int frames, int gop, boolean twoLayers,
                                        IntFunction<int[]> yuvOfFrame) {
        AVCodec codec = avcodec_find_encoder_by_name("libvpx");
        if (codec == null) {
            throw new IllegalStateException("this FFmpeg build has no libvpx encoder");
        }
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        AVFrame frame = av_frame_alloc();
        AVPacket pkt = av_packet_alloc();
        AVDictionary opts = new AVDictionary(null);
        List<MediaPacket> out = new ArrayList<>();
        Vp8Config config = new Vp8Config(width, height);
        try {
            ctx.width(width).height(height).pix_fmt(AV_PIX_FMT_YUV420P);
            ctx.time_base(av_make_q(1, 30)).framerate(av_make_q(30, 1));
            ctx.bit_rate(500_000).gop_size(gop).thread_count(1);
            av_dict_set(opts, "deadline", "realtime", 0);
            av_dict_set(opts, "cpu-used", "8", 0);
            av_dict_set(opts, "lag-in-frames", "0", 0);
            av_dict_set(opts, "auto-alt-ref", "0", 0);
            if (twoLayers) {
                av_dict_set(opts, "ts-parameters", "ts_number_layers=2:ts_target_bitrate=250,500:ts_rate_decimator=2,1:"
                        + "ts_periodicity=2:ts_layer_id=0,1:ts_layering_mode=2", 0);
            }
            check(avcodec_open2(ctx, codec, opts), "avcodec_open2(libvpx)");
            frame.format(AV_PIX_FMT_YUV420P).width(width).height(height);
            check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer");
            for (int i = 0; i < frames; i++) {
                check(av_frame_make_writable(frame), "av_frame_make_writable");
                int[] yuv = yuvOfFrame.apply(i);
                paint(frame, 0, width, height, yuv[0]);
                paint(frame, 1, width / 2, height / 2, yuv[1]);
                paint(frame, 2, width / 2, height / 2, yuv[2]);
                int bx = (i * 4) % Math.max(1, width - 16);
                for (int y = height - 16; y < height; y++) {
                    for (int x = bx; x < bx + 16 && x < width; x++) {
                        frame.data(0).put((long) y * frame.linesize(0) + x, (byte) 235);
                    }
                }
                frame.pts(i);
                frame.pict_type(i % gop == 0 ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
                check(avcodec_send_frame(ctx, frame), "avcodec_send_frame(libvpx)");
                drainVideo(ctx, pkt, config, out);
            }
            check(avcodec_send_frame(ctx, null), "avcodec_send_frame(flush)");
            drainVideo(ctx, pkt, config, out);
        } finally {
            av_dict_free(opts);
            av_packet_free(pkt);
            av_frame_free(frame);
            avcodec_free_context(ctx);
        }
        return out;
    }

    private static void paint(AVFrame f, int plane, int w, int h, int value) {
        BytePointer data = f.data(plane);
        int stride = f.linesize(plane);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                data.put((long) y * stride + x, (byte) value);
            }
        }
    }

    private static void drainVideo(AVCodecContext ctx, AVPacket pkt, Vp8Config config, List<MediaPacket> out) {
        while (true) {
            int rc = avcodec_receive_packet(ctx, pkt);
            if (rc == EAGAIN || rc == avutil.AVERROR_EOF()) {
                return;
            }
            check(rc, "avcodec_receive_packet(libvpx)");
            byte[] data = new byte[pkt.size()];
            pkt.data().get(data);
            long dts = pkt.pts() * MediaPacket.TIMESCALE / 30;
            out.add(new MediaPacket(MediaKind.VIDEO, config, dts, 0, (pkt.flags() & AV_PKT_FLAG_KEY) != 0, data));
            av_packet_unref(pkt);
        }
    }

    /**
     * Opus packets of 20 ms (960 samples at 48 kHz) of a sine of {@code hz} whose peak amplitude
     * follows {@code amplitudeOfPacket} (packet index → 0..1), on {@code channels} channels.
     */
    public static List<MediaPacket> opus(double hz, int packets, int channels, IntFunction<Double> amplitudeOfPacket) {
        AVCodec codec = avcodec_find_encoder_by_name("libopus");
        if (codec == null) {
            throw new IllegalStateException("this FFmpeg build has no libopus encoder");
        }
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        AVFrame frame = av_frame_alloc();
        AVPacket pkt = av_packet_alloc();
        List<MediaPacket> out = new ArrayList<>();
        OpusConfig config = new OpusConfig(channels);
        try {
            ctx.sample_rate(48_000).sample_fmt(AV_SAMPLE_FMT_FLT).bit_rate(channels * 48_000L);
            av_channel_layout_default(ctx.ch_layout(), channels);
            ctx.time_base(av_make_q(1, 48_000));
            check(avcodec_open2(ctx, codec, (AVDictionary) null), "avcodec_open2(libopus)");
            int n = ctx.frame_size();
            if (n != 960) {
                throw new IllegalStateException("libopus frame size " + n + ", expected 960");
            }
            frame.format(AV_SAMPLE_FMT_FLT).nb_samples(n).sample_rate(48_000);
            check(av_channel_layout_copy(frame.ch_layout(), ctx.ch_layout()), "av_channel_layout_copy");
            check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer");
            float[] pcm = new float[n * channels];
            for (int i = 0; i < packets; i++) {
                double a = amplitudeOfPacket.apply(i);
                for (int k = 0; k < n; k++) {
                    float v = (float) (a * Math.sin(2 * Math.PI * hz * ((long) i * n + k) / 48_000.0));
                    for (int c = 0; c < channels; c++) {
                        pcm[k * channels + c] = v;
                    }
                }
                check(av_frame_make_writable(frame), "av_frame_make_writable");
                new FloatPointer(frame.data(0)).put(pcm, 0, pcm.length);
                frame.pts((long) i * n);
                check(avcodec_send_frame(ctx, frame), "avcodec_send_frame(libopus)");
                drainAudio(ctx, pkt, config, out);
            }
            check(avcodec_send_frame(ctx, null), "avcodec_send_frame(flush)");
            drainAudio(ctx, pkt, config, out);
        } finally {
            av_packet_free(pkt);
            av_frame_free(frame);
            avcodec_free_context(ctx);
        }
        return out;
    }

    private static void drainAudio(AVCodecContext ctx, AVPacket pkt, OpusConfig config, List<MediaPacket> out) {
        while (true) {
            int rc = avcodec_receive_packet(ctx, pkt);
            if (rc == EAGAIN || rc == avutil.AVERROR_EOF()) {
                return;
            }
            check(rc, "avcodec_receive_packet(libopus)");
            byte[] data = new byte[pkt.size()];
            pkt.data().get(data);
            // as the depacketizer does: the RTP clock of the packet's place in the stream
            long dts = (long) out.size() * 960 * MediaPacket.TIMESCALE / OpusConfig.SAMPLE_RATE;
            out.add(new MediaPacket(MediaKind.AUDIO, config, dts, 0, true, data));
            av_packet_unref(pkt);
        }
    }

    private static void check(int rc, String what) {
        if (rc < 0) {
            throw new IllegalStateException(what + " failed: " + rc);
        }
    }
}
