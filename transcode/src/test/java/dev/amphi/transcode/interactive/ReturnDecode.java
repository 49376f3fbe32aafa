package dev.amphi.transcode.interactive;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.NalUnits;
import dev.amphi.transcode.ffmpeg.FfmpegException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;

/** Test helper: decodes the return streams with avcodec as a browser's decoder would get them. */
public final class ReturnDecode {

    /** FFmpeg's profile number of Constrained Baseline (66 with its "constrained" flag, 1 << 9). */
    public static final int CONSTRAINED_BASELINE = 66 | (1 << 9);

    /** A decoded frame: size, pts and its planes copied. */
    public record Frame(int width, int height, long pts, byte[] y, byte[] u, byte[] v) {
        /** Y, U, V at {@code (x, yy)}. */
        public int[] yuv(int x, int yy) {
            return new int[] {y[yy * width + x] & 0xff, u[(yy / 2) * (width / 2) + x / 2] & 0xff,
                v[(yy / 2) * (width / 2) + x / 2] & 0xff};
        }
    }

    /** What the decoder made of the video: frames, and the profile and reorder depth it found. */
    public record Video(List<Frame> frames, int profile, int reorderedFrames) {
    }

    private ReturnDecode() {
    }

    /**
     * Decodes AVCC packets as an RTP receiver would: Annex B, no out-of-band configuration, so the
     * SPS and PPS must be in band.
     */
    public static Video video(List<MediaPacket> packets) {
        List<Frame> frames = new ArrayList<>();
        int[] info = new int[2];
        decode(AV_CODEC_ID_H264, null, packets, p -> {
            int size = ((AvcConfig) p.config()).nalLengthSize();
            return NalUnits.toAnnexB(NalUnits.splitAvcc(p.data(), size));
        }, (ctx, f) -> {
            int w = f.width();
            int h = f.height();
            frames.add(new Frame(w, h, f.pts(), plane(f, 0, w, h), plane(f, 1, w / 2, h / 2), plane(f, 2, w / 2, h / 2)));
            info[0] = ctx.profile();
            info[1] = ctx.has_b_frames();
        });
        return new Video(frames, info[0], info[1]);
    }

    /** Decodes Opus packets (their config's OpusHead) into mono samples, the first channel. */
    public static float[] opus(List<MediaPacket> packets) {
        List<float[]> parts = new ArrayList<>();
        decode(AV_CODEC_ID_OPUS, packets.isEmpty() ? null : packets.get(0).config().record(), packets, MediaPacket::data,
                (ctx, f) -> {
                    float[] a = new float[f.nb_samples()];
                    if (f.format() == AV_SAMPLE_FMT_FLTP || f.format() == AV_SAMPLE_FMT_FLT && f.ch_layout().nb_channels() == 1) {
                        new FloatPointer(f.data(0)).get(a);
                    } else {
                        throw new AssertionError("unexpected Opus output format " + f.format());
                    }
                    parts.add(a);
                });
        int n = parts.stream().mapToInt(x -> x.length).sum();
        float[] out = new float[n];
        int pos = 0;
        for (float[] a : parts) {
            System.arraycopy(a, 0, out, pos, a.length);
            pos += a.length;
        }
        return out;
    }

    private static byte[] plane(AVFrame f, int p, int w, int h) {
        byte[] out = new byte[w * h];
        BytePointer data = f.data(p);
        for (int r = 0; r < h; r++) {
            data.position((long) r * f.linesize(p)).get(out, r * w, w);
        }
        return out;
    }

    private interface FrameSink {
        void accept(AVCodecContext ctx, AVFrame frame);
    }

    private static void decode(int codecId, byte[] extradata, List<MediaPacket> packets,
            java.util.function.Function<MediaPacket, byte[]> payload, FrameSink sink) {
        if (packets.isEmpty()) {
            return;
        }
        AVCodecContext ctx = avcodec_alloc_context3(avcodec_find_decoder(codecId));
        AVPacket pkt = av_packet_alloc();
        AVFrame frame = av_frame_alloc();
        try {
            if (extradata != null) {
                BytePointer ed = new BytePointer(av_malloc(extradata.length + AV_INPUT_BUFFER_PADDING_SIZE));
                ed.capacity(extradata.length + AV_INPUT_BUFFER_PADDING_SIZE);
                ed.put(extradata);
                for (int i = extradata.length; i < extradata.length + AV_INPUT_BUFFER_PADDING_SIZE; i++) {
                    ed.put(i, (byte) 0);
                }
                ctx.extradata(ed);
                ctx.extradata_size(extradata.length);
            }
            ctx.pkt_timebase().num(1).den(MediaPacket.TIMESCALE);
            FfmpegException.check(avcodec_open2(ctx, null, (AVDictionary) null), "avcodec_open2(decoder)");
            for (MediaPacket p : packets) {
                byte[] data = payload.apply(p);
                FfmpegException.check(av_new_packet(pkt, data.length), "av_new_packet");
                pkt.data().put(data);
                pkt.pts(p.pts());
                pkt.dts(p.dts());
                FfmpegException.check(avcodec_send_packet(ctx, pkt), "avcodec_send_packet");
                av_packet_unref(pkt);
                receive(ctx, frame, sink);
            }
            FfmpegException.check(avcodec_send_packet(ctx, null), "avcodec_send_packet(flush)");
            receive(ctx, frame, sink);
        } finally {
            av_frame_free(frame);
            av_packet_free(pkt);
            avcodec_free_context(ctx);
        }
    }

    private static void receive(AVCodecContext ctx, AVFrame frame, FrameSink sink) {
        while (true) {
            int rc = avcodec_receive_frame(ctx, frame);
            if (rc == AVERROR_EAGAIN() || rc == AVERROR_EOF) {
                return;
            }
            FfmpegException.check(rc, "avcodec_receive_frame");
            sink.accept(ctx, frame);
            org.bytedeco.ffmpeg.global.avutil.av_frame_unref(frame);
        }
    }
}
