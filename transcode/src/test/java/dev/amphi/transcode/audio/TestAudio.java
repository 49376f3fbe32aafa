package dev.amphi.transcode.audio;

import dev.amphi.transcode.testing.Goertzel;
import dev.amphi.transcode.ffmpeg.FfmpegException;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;

import dev.amphi.media.AacConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.FloatPointer;

/** Test signals: tones, an AAC encoder (FFmpeg's native one) and Goertzel measurements. */
final class TestAudio {

    static {
        org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
    }

    private TestAudio() {
    }

    /** Resident set size of this process (Linux), after a garbage collection. */
    static long residentBytes() throws java.io.IOException {
        System.gc();
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /** Largest absolute sample of interleaved stereo frames {@code [from, to)}. */
    static double peak(float[] stereo, int from, int to) {
        double max = 0;
        for (int i = 2 * from; i < 2 * to; i++) {
            max = Math.max(max, Math.abs(stereo[i]));
        }
        return max;
    }

    /** AAC frames of one stream and its AudioSpecificConfig. */
    record Aac(AacConfig config, List<byte[]> frames, int sampleRate) {

        /** Packet {@code i} as the lead would hand it over, pts from its sample position. */
        MediaPacket packet(int i) {
            long pts = Math.round((double) i * AacConfig.SAMPLES_PER_FRAME * MediaPacket.TIMESCALE / sampleRate);
            return new MediaPacket(MediaKind.AUDIO, config, pts, 0, true, frames.get(i));
        }

        /** Program pts of packet {@code i} when the stream starts at {@code startPts}. */
        long pts(int i, long startPts) {
            return startPts + packet(i).pts();
        }
    }

    /** Interleaved tone: {@code seconds} of a sine of {@code hz} at peak {@code amplitude} on every channel. */
    static float[] tone(double hz, double amplitude, double seconds, int rate, int channels) {
        int n = (int) Math.round(seconds * rate);
        float[] pcm = new float[n * channels];
        for (int i = 0; i < n; i++) {
            float v = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
            for (int c = 0; c < channels; c++) {
                pcm[i * channels + c] = v;
            }
        }
        return pcm;
    }

    /** Encodes interleaved float PCM to AAC-LC frames (128 kbit/s, global header). */
    static Aac encode(float[] interleaved, int rate, int channels) {
        AVCodec codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        AVFrame frame = av_frame_alloc();
        AVPacket pkt = av_packet_alloc();
        try {
            ctx.sample_fmt(AV_SAMPLE_FMT_FLTP).sample_rate(rate).bit_rate(128_000);
            av_channel_layout_default(ctx.ch_layout(), channels);
            ctx.time_base(new AVRational().num(1).den(rate));
            ctx.flags(ctx.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
            FfmpegException.check(avcodec_open2(ctx, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "avcodec_open2(aac encoder)");
            byte[] asc = new byte[ctx.extradata_size()];
            ctx.extradata().get(asc);
            AacConfig config = AacConfig.parse(asc);
            int frameSize = ctx.frame_size();
            frame.nb_samples(frameSize).format(AV_SAMPLE_FMT_FLTP).sample_rate(rate);
            av_channel_layout_copy(frame.ch_layout(), ctx.ch_layout());
            FfmpegException.check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer");
            List<byte[]> out = new ArrayList<>();
            int total = interleaved.length / channels;
            for (int start = 0; start < total; start += frameSize) {
                FfmpegException.check(av_frame_make_writable(frame), "av_frame_make_writable");
                int n = Math.min(frameSize, total - start);
                frame.nb_samples(n);
                for (int c = 0; c < channels; c++) {
                    float[] plane = new float[n];
                    for (int i = 0; i < n; i++) {
                        plane[i] = interleaved[(start + i) * channels + c];
                    }
                    new FloatPointer(frame.data(c)).put(plane);
                }
                frame.pts(start);
                FfmpegException.check(avcodec_send_frame(ctx, frame), "avcodec_send_frame");
                drain(ctx, pkt, out);
            }
            FfmpegException.check(avcodec_send_frame(ctx, null), "avcodec_send_frame(flush)");
            drain(ctx, pkt, out);
            return new Aac(config, out, rate);
        } finally {
            av_packet_free(pkt);
            av_frame_free(frame);
            avcodec_free_context(ctx);
        }
    }

    private static void drain(AVCodecContext ctx, AVPacket pkt, List<byte[]> out) {
        while (true) {
            int rc = avcodec_receive_packet(ctx, pkt);
            if (rc == AVERROR_EAGAIN() || rc == AVERROR_EOF()) {
                return;
            }
            FfmpegException.check(rc, "avcodec_receive_packet");
            byte[] data = new byte[pkt.size()];
            pkt.data().get(data);
            out.add(data);
            av_packet_unref(pkt);
        }
    }

    /** Feeds every packet of {@code aac} to {@code speaker}, the stream starting at program pts {@code startPts}. */
    static void feed(SpeakerAudio speaker, Aac aac, long startPts) {
        for (int i = 0; i < aac.frames().size(); i++) {
            speaker.onPacket(aac.packet(i), aac.pts(i, startPts));
        }
    }

    /**
     * Peak amplitude of the {@code hz} component of channel {@code channel} of interleaved stereo
     * frames {@code [from, to)} (Goertzel; a full-scale sine reads 1.0).
     */
    static double amplitude(float[] stereo, int channel, int from, int to, double hz) {
        return Goertzel.amplitude(stereo, 2 * from + channel, 2, to - from, hz, AudioFormat.SAMPLE_RATE);
    }

    /** Largest absolute difference between consecutive samples of one channel. */
    static double maxStep(float[] stereo, int channel, int from, int to) {
        double max = 0;
        for (int i = from + 1; i < to; i++) {
            max = Math.max(max, Math.abs(stereo[2 * i + channel] - stereo[2 * (i - 1) + channel]));
        }
        return max;
    }

    /** Mixes {@code seconds} of program audio from sample 0 in 20 ms chunks. */
    static float[] mixAll(AudioMixer mixer, List<SpeakerAudio> speakers, double seconds) {
        int chunk = AudioFormat.SAMPLE_RATE / 50;
        int chunks = (int) Math.round(seconds * 50);
        float[] all = new float[chunks * chunk * 2];
        float[] out = new float[chunk * 2];
        for (int k = 0; k < chunks; k++) {
            mixer.mix(speakers, (long) k * chunk, chunk, out);
            System.arraycopy(out, 0, all, k * chunk * 2, chunk * 2);
        }
        return all;
    }
}
