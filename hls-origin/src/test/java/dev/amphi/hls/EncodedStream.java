package dev.amphi.hls;

import dev.amphi.media.AacConfig;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.CodecConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Real H.264 (libx264, High profile, two B-frames, a keyframe every 2 s) and AAC-LC, encoded by
 * FFmpeg into FLV (as an RTMP publisher would send it) and read back packet by packet into
 * {@link MediaPacket}s exactly as ingest produces them: AVCC payloads, 90 kHz timestamps from
 * millisecond ones, composition offsets for the B-frames. Encoded once per JVM.
 */
final class EncodedStream {

    static final int FPS = 30;
    static final int SECONDS = 10;
    static final int WIDTH = 320;
    static final int HEIGHT = 240;
    static final int SAMPLE_RATE = 44100;

    private static List<MediaPacket> packets;
    private static final java.util.Map<String, List<MediaPacket>> VIDEO_ONLY = new java.util.HashMap<>();

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR); // keep FFmpeg's banners out of the build log
    }

    private EncodedStream() {
    }

    /** About ten seconds of interleaved video and audio packets, in decode order. */
    static synchronized List<MediaPacket> packets() throws Exception {
        if (packets == null) {
            packets = encodeAndRead(WIDTH, HEIGHT, true);
        }
        return packets;
    }

    /**
     * Video only at another size, with the same encoder settings (keyframes every 2 s, at the same
     * frames as {@link #packets()}): another rung of a ladder.
     */
    static synchronized List<MediaPacket> video(int width, int height) throws Exception {
        String key = width + "x" + height;
        if (!VIDEO_ONLY.containsKey(key)) {
            VIDEO_ONLY.put(key, encodeAndRead(width, height, false));
        }
        return VIDEO_ONLY.get(key);
    }

    private static List<MediaPacket> encodeAndRead(int width, int height, boolean audio) throws Exception {
        Path dir = Files.createTempDirectory("amphi-hls-test");
        Path flv = dir.resolve("synthetic.flv");
        try {
            encode(flv, width, height, audio);
            return List.copyOf(read(flv));
        } finally {
            Files.deleteIfExists(flv);
            Files.deleteIfExists(dir);
        }
    }

    static long videoCount(List<MediaPacket> list) {
        return list.stream().filter(p -> p.kind() == MediaKind.VIDEO).count();
    }

    private static void encode(Path file, int width, int height, boolean audio) throws Exception {
        FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), width, height, audio ? 2 : 0);
        try {
            rec.setFormat("flv");
            rec.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            rec.setFrameRate(FPS);
            rec.setGopSize(FPS * 2);
            rec.setVideoBitrate(400_000);
            rec.setVideoOption("preset", "veryfast");
            rec.setVideoOption("profile", "high");
            rec.setVideoOption("x264-params", "bframes=2:scenecut=0:keyint=" + FPS * 2 + ":min-keyint=" + FPS * 2);
            if (audio) {
                rec.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
                rec.setSampleRate(SAMPLE_RATE);
                rec.setAudioChannels(2);
                rec.setAudioBitrate(96_000);
            }
            rec.start();
            Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
            int samplesPerFrame = SAMPLE_RATE / FPS;
            long sampleIndex = 0;
            for (int i = 0; i < FPS * SECONDS; i++) {
                ByteBuffer img = (ByteBuffer) frame.image[0];
                int stride = frame.imageStride;
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        int o = y * stride + x * 3;
                        img.put(o, (byte) (x + i * 4));
                        img.put(o + 1, (byte) (y + i * 2));
                        img.put(o + 2, (byte) ((x ^ y) + i));
                    }
                }
                rec.record(frame);
                if (!audio) {
                    continue;
                }
                ShortBuffer pcm = ShortBuffer.allocate(samplesPerFrame * 2);
                for (int s = 0; s < samplesPerFrame; s++, sampleIndex++) {
                    short v = (short) (Math.sin(2 * Math.PI * 440 * sampleIndex / SAMPLE_RATE) * 8000);
                    pcm.put(v).put(v);
                }
                pcm.flip();
                rec.recordSamples(SAMPLE_RATE, 2, pcm);
            }
            rec.stop();
        } finally {
            rec.release();
        }
    }

    private static List<MediaPacket> read(Path file) throws Exception {
        List<MediaPacket> out = new ArrayList<>();
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
        try {
            g.start();
            AVFormatContext fc = g.getFormatContext();
            CodecConfig[] configs = new CodecConfig[fc.nb_streams()];
            for (int i = 0; i < fc.nb_streams(); i++) {
                AVCodecParameters par = fc.streams(i).codecpar();
                byte[] extra = new byte[par.extradata_size()];
                par.extradata().get(extra);
                if (par.codec_type() == avutil.AVMEDIA_TYPE_VIDEO) {
                    configs[i] = AvcConfig.parse(extra);
                } else if (par.codec_type() == avutil.AVMEDIA_TYPE_AUDIO) {
                    configs[i] = AacConfig.parse(extra);
                }
            }
            AVRational ticks = avutil.av_make_q(1, MediaPacket.TIMESCALE);
            AVPacket pkt;
            while ((pkt = g.grabPacket()) != null) {
                CodecConfig config = configs[pkt.stream_index()];
                if (config == null || pkt.size() == 0) {
                    continue;
                }
                AVStream st = fc.streams(pkt.stream_index());
                long dts = avutil.av_rescale_q(pkt.dts(), st.time_base(), ticks);
                long pts = avutil.av_rescale_q(pkt.pts(), st.time_base(), ticks);
                byte[] data = new byte[pkt.size()];
                pkt.data().get(data);
                boolean video = config instanceof AvcConfig;
                boolean key = !video || (pkt.flags() & avcodec.AV_PKT_FLAG_KEY) != 0;
                out.add(new MediaPacket(video ? MediaKind.VIDEO : MediaKind.AUDIO, config, dts,
                        video ? (int) (pts - dts) : 0, key, data));
            }
            g.stop();
        } finally {
            g.release();
        }
        return out;
    }
}
