package dev.amphi.transcode.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/** Encodes small H.264 test streams with JavaCV (libx264 into a temporary MP4) and reads them back as MediaPackets. */
final class TestStreams {

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private TestStreams() {
    }

    /** RGB colour of frame {@code i}, as {@code 0xRRGGBB}. */
    static List<MediaPacket> solid(int width, int height, int frames, int gop, IntFunction<Integer> rgbOfFrame) {
        return encode(width, height, frames, gop, "ultrafast", (i, img, stride) -> {
            int rgb = rgbOfFrame.apply(i);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int o = y * stride + x * 3;
                    img.put(o, (byte) rgb);
                    img.put(o + 1, (byte) (rgb >> 8));
                    img.put(o + 2, (byte) (rgb >> 16));
                }
            }
        });
    }

    interface Painter {
        void paint(int frame, ByteBuffer bgr, int stride);
    }

    /** Encodes {@code frames} pictures at 30 fps with a keyframe every {@code gop} frames, no B-frames. */
    static List<MediaPacket> encode(int width, int height, int frames, int gop, String preset, Painter painter) {
        return encode(width, height, frames, gop, preset, "bframes=0", painter);
    }

    /** As above with extra x264 options ({@code key=value:key=value}), e.g. {@code bframes=3}. */
    static List<MediaPacket> encode(int width, int height, int frames, int gop, String preset, String x264Params,
                                    Painter painter) {
        try {
            Path file = Files.createTempFile("amphi-video-test", ".mp4");
            try {
                FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
                rec.setFormat("mp4");
                rec.setVideoCodec(AV_CODEC_ID_H264);
                rec.setPixelFormat(AV_PIX_FMT_YUV420P);
                rec.setFrameRate(30);
                rec.setGopSize(gop);
                rec.setVideoBitrate(1_500_000);
                rec.setVideoOption("preset", preset);
                rec.setVideoOption("x264-params", "scenecut=0:keyint=" + gop + ":min-keyint=" + gop + ":" + x264Params);
                rec.start();
                Frame f = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
                ByteBuffer img = (ByteBuffer) f.image[0];
                for (int i = 0; i < frames; i++) {
                    painter.paint(i, img, f.imageStride);
                    rec.record(f, AV_PIX_FMT_BGR24);
                }
                rec.stop();
                rec.release();
                return read(file);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not encode a test stream", e);
        }
    }

    private static List<MediaPacket> read(Path file) throws Exception {
        List<MediaPacket> out = new ArrayList<>();
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
            g.start();
            AVStream stream = g.getFormatContext().streams(0);
            BytePointer extra = stream.codecpar().extradata();
            byte[] record = new byte[stream.codecpar().extradata_size()];
            extra.get(record);
            AvcConfig config = AvcConfig.parse(record);
            AVRational tb = stream.time_base();
            AVPacket p;
            while ((p = g.grabPacket()) != null) {
                byte[] data = new byte[p.size()];
                p.data().get(data);
                long dts = p.dts() * MediaPacket.TIMESCALE * tb.num() / tb.den();
                long pts = p.pts() * MediaPacket.TIMESCALE * tb.num() / tb.den();
                out.add(new MediaPacket(MediaKind.VIDEO, config, dts, (int) (pts - dts),
                        (p.flags() & AV_PKT_FLAG_KEY) != 0, data));
            }
            g.stop();
        }
        return out;
    }

    /** BT.601 limited-range Y, Cb, Cr of an RGB colour. */
    static int[] yuv(int rgb) {
        double r = ((rgb >> 16) & 0xff) / 255.0;
        double g = ((rgb >> 8) & 0xff) / 255.0;
        double b = (rgb & 0xff) / 255.0;
        return new int[] {
            (int) Math.round(16 + 65.481 * r + 128.553 * g + 24.966 * b),
            (int) Math.round(128 - 37.797 * r - 74.203 * g + 112.0 * b),
            (int) Math.round(128 + 112.0 * r - 93.786 * g - 18.214 * b)};
    }
}
