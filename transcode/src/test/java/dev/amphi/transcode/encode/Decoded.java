package dev.amphi.transcode.encode;

import dev.amphi.transcode.testing.Goertzel;
import dev.amphi.transcode.ffmpeg.FfmpegException;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

import dev.amphi.media.MediaPacket;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;

/** Test helper: decodes encoder output back with avcodec. */
final class Decoded {

    /** A decoded video frame: size, pts and a copy of its luma plane. */
    record Frame(int width, int height, long pts, byte[] luma) {
        int luma(int x, int y) {
            return luma[y * width + x] & 0xff;
        }

        double meanLuma(int x0, int y0, int w, int h) {
            long sum = 0;
            for (int y = y0; y < y0 + h; y++) {
                for (int x = x0; x < x0 + w; x++) {
                    sum += luma(x, y);
                }
            }
            return (double) sum / (w * h);
        }
    }

    private Decoded() {
    }

    static List<Frame> video(List<MediaPacket> packets) {
        List<Frame> frames = new ArrayList<>();
        decode(AV_CODEC_ID_H264, packets, f -> {
            int w = f.width();
            int h = f.height();
            byte[] y = new byte[w * h];
            BytePointer plane = f.data(0);
            for (int r = 0; r < h; r++) {
                plane.position((long) r * f.linesize(0)).get(y, r * w, w);
            }
            frames.add(new Frame(w, h, f.best_effort_timestamp(), y));
        });
        return frames;
    }

    /** Decoded AAC as {left, right} planes. */
    static float[][] audio(List<MediaPacket> packets) {
        List<float[]> l = new ArrayList<>();
        List<float[]> r = new ArrayList<>();
        decode(AV_CODEC_ID_AAC, packets, f -> {
            int n = f.nb_samples();
            float[] a = new float[n];
            float[] b = new float[n];
            new FloatPointer(f.data(0)).get(a);
            new FloatPointer(f.data(1)).get(b);
            l.add(a);
            r.add(b);
        });
        return new float[][] {concat(l), concat(r)};
    }

    private static float[] concat(List<float[]> parts) {
        int n = parts.stream().mapToInt(p -> p.length).sum();
        float[] out = new float[n];
        int pos = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }

    private static void decode(int codecId, List<MediaPacket> packets, java.util.function.Consumer<AVFrame> sink) {
        if (packets.isEmpty()) {
            return;
        }
        AVCodecContext ctx = avcodec_alloc_context3(avcodec_find_decoder(codecId));
        AVPacket pkt = av_packet_alloc();
        AVFrame frame = av_frame_alloc();
        try {
            byte[] record = packets.get(0).config().record();
            BytePointer ed = new BytePointer(av_malloc(record.length + AV_INPUT_BUFFER_PADDING_SIZE));
            ed.capacity(record.length + AV_INPUT_BUFFER_PADDING_SIZE);
            ed.put(record);
            for (int i = record.length; i < record.length + AV_INPUT_BUFFER_PADDING_SIZE; i++) {
                ed.put(i, (byte) 0);
            }
            ctx.extradata(ed);
            ctx.extradata_size(record.length);
            ctx.pkt_timebase().num(1).den(MediaPacket.TIMESCALE);
            FfmpegException.check(avcodec_open2(ctx, null, (AVDictionary) null), "avcodec_open2(decoder)");
            for (MediaPacket p : packets) {
                FfmpegException.check(av_new_packet(pkt, p.data().length), "av_new_packet");
                pkt.data().put(p.data());
                pkt.pts(p.pts());
                pkt.dts(p.dts());
                pkt.flags(p.keyframe() ? AV_PKT_FLAG_KEY : 0);
                FfmpegException.check(avcodec_send_packet(ctx, pkt), "avcodec_send_packet");
                org.bytedeco.ffmpeg.global.avcodec.av_packet_unref(pkt);
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

    private static void receive(AVCodecContext ctx, AVFrame frame, java.util.function.Consumer<AVFrame> sink) {
        while (true) {
            int rc = avcodec_receive_frame(ctx, frame);
            if (rc == AVERROR_EAGAIN() || rc == AVERROR_EOF) {
                return;
            }
            FfmpegException.check(rc, "avcodec_receive_frame");
            sink.accept(frame);
            av_frame_unref(frame);
        }
    }

    /** Relative power of {@code freq} in {@code x} (Goertzel), normalised by the signal's energy. */
    static double tonePower(float[] x, int from, int n, double freq, int sampleRate) {
        double energy = 0;
        for (int i = from; i < from + n; i++) {
            energy += (double) x[i] * x[i];
        }
        return energy == 0 ? 0 : Goertzel.power(x, from, 1, n, freq, sampleRate) / (energy * n / 2.0);
    }
}
