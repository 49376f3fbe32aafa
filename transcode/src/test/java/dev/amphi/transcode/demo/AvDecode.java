package dev.amphi.transcode.demo;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
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
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import dev.amphi.media.MediaPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;

/** Test helper: decodes demo packets back with avcodec, as a consumer would. */
final class AvDecode {

    /** A decoded YUV 4:2:0 frame (planes copied, tightly packed). */
    record Frame(int width, int height, long pts, byte[] y, byte[] u, byte[] v) {
        int luma(int x, int yy) {
            return y[yy * width + x] & 0xff;
        }
    }

    private AvDecode() {
    }

    /** Decodes AVCC H.264 packets (the config of the first one) into frames. */
    static List<Frame> video(List<MediaPacket> packets) {
        List<Frame> out = new ArrayList<>();
        decode(AV_CODEC_ID_H264, packets, f -> {
            if (f.format() != AV_PIX_FMT_YUV420P) {
                throw new AssertionError("decoded pixel format " + f.format());
            }
            int w = f.width();
            int h = f.height();
            out.add(new Frame(w, h, f.pts(), plane(f, 0, w, h), plane(f, 1, w / 2, h / 2), plane(f, 2, w / 2, h / 2)));
        });
        return out;
    }

    /** Decodes AAC packets into mono samples (the left channel), in order. */
    static float[] audioLeft(List<MediaPacket> packets) {
        List<float[]> chunks = new ArrayList<>();
        decode(AV_CODEC_ID_AAC, packets, f -> {
            if (f.format() != AV_SAMPLE_FMT_FLTP) {
                throw new AssertionError("decoded sample format " + f.format());
            }
            float[] c = new float[f.nb_samples()];
            new FloatPointer(f.data(0)).get(c);
            chunks.add(c);
        });
        int n = chunks.stream().mapToInt(c -> c.length).sum();
        float[] all = new float[n];
        int pos = 0;
        for (float[] c : chunks) {
            System.arraycopy(c, 0, all, pos, c.length);
            pos += c.length;
        }
        return all;
    }

    private static byte[] plane(AVFrame f, int p, int w, int h) {
        byte[] out = new byte[w * h];
        BytePointer src = f.data(p);
        int stride = f.linesize(p);
        for (int r = 0; r < h; r++) {
            src.position((long) r * stride).get(out, r * w, w);
        }
        return out;
    }

    private static void decode(int codecId, List<MediaPacket> packets, Consumer<AVFrame> sink) {
        if (packets.isEmpty()) {
            return;
        }
        AVCodec codec = avcodec_find_decoder(codecId);
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        AVPacket pkt = av_packet_alloc();
        AVFrame frame = av_frame_alloc();
        try {
            byte[] extra = packets.get(0).config().record();
            BytePointer ed = new BytePointer(av_malloc(extra.length + AV_INPUT_BUFFER_PADDING_SIZE));
            ed.put(extra);
            for (int i = 0; i < AV_INPUT_BUFFER_PADDING_SIZE; i++) {
                ed.put(extra.length + i, (byte) 0);
            }
            ctx.extradata(ed);
            ctx.extradata_size(extra.length);
            ctx.thread_count(1);
            check(avcodec_open2(ctx, codec, (AVDictionary) null), "avcodec_open2");
            for (MediaPacket p : packets) {
                check(av_new_packet(pkt, p.data().length), "av_new_packet");
                pkt.data().put(p.data());
                pkt.pts(p.pts());
                pkt.dts(p.dts());
                int rc = avcodec_send_packet(ctx, pkt);
                av_packet_unref(pkt);
                check(rc, "avcodec_send_packet");
                drain(ctx, frame, sink);
            }
            check(avcodec_send_packet(ctx, null), "avcodec_send_packet(flush)");
            drain(ctx, frame, sink);
        } finally {
            av_frame_free(frame);
            av_packet_free(pkt);
            avcodec_free_context(ctx);
        }
    }

    private static void drain(AVCodecContext ctx, AVFrame frame, Consumer<AVFrame> sink) {
        while (true) {
            int rc = avcodec_receive_frame(ctx, frame);
            if (rc == AVERROR_EAGAIN() || rc == AVERROR_EOF) {
                return;
            }
            check(rc, "avcodec_receive_frame");
            sink.accept(frame);
        }
    }

    private static void check(int rc, String call) {
        if (rc < 0) {
            try (BytePointer buf = new BytePointer(256)) {
                av_strerror(rc, buf, 256);
                throw new AssertionError(call + " failed: " + buf.getString());
            }
        }
    }
}
