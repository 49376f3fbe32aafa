package dev.amphi.server;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;

/**
 * Publishes synthetic H.264 (libx264, B-frames, a keyframe every 2 s) and AAC (a 440 Hz tone) to
 * an RTMP URL with FFmpeg's own RTMP client, the way OBS or the ffmpeg CLI would. Each picture is
 * a flat grey of {@code brightness} with a moving white bar, so a reader can tell publishers apart.
 * Not thread-safe: one publisher, one thread.
 */
final class SyntheticPublisher {

    static final int WIDTH = 320;
    static final int HEIGHT = 240;
    static final int FPS = 30;
    static final int SAMPLE_RATE = 48_000;
    static final int CHANNELS = 2;

    private static final AtomicBoolean WARM = new AtomicBoolean();

    private SyntheticPublisher() {
    }

    /** Loads the FFmpeg natives once per JVM and keeps FFmpeg's log to errors. */
    static void warmUp() {
        if (WARM.compareAndSet(false, true)) {
            avutil.av_log_set_level(avutil.AV_LOG_ERROR);
            FFmpegLogCallback.set();
        }
    }

    /**
     * Publishes {@code frames} video frames and the matching audio.
     *
     * @param realTime pace the frames at 30 fps (for watchers); otherwise as fast as possible
     * @param stop     checked between frames; publishing ends early when it becomes true
     * @return the number of video frames sent
     * @throws FFmpegFrameRecorder.Exception when the server refuses or drops the publisher
     */
    static int publish(String url, int frames, int brightness, boolean realTime, AtomicBoolean stop)
            throws FFmpegFrameRecorder.Exception {
        return publish(url, frames, -brightness - 1, 440, realTime, stop);
    }

    /**
     * Publishes {@code frames} frames of a flat colour {@code rgb} (0xRRGGBB) with a moving white
     * bar, and a tone of {@code toneHz}.
     */
    static int publishColour(String url, int frames, int rgb, int toneHz, boolean realTime, AtomicBoolean stop)
            throws FFmpegFrameRecorder.Exception {
        return publish(url, frames, rgb & 0xffffff, toneHz, realTime, stop);
    }

    /** {@code look} >= 0: an RGB colour; < 0: grey of brightness -look-1. */
    private static int publish(String url, int frames, int look, int toneHz, boolean realTime, AtomicBoolean stop)
            throws FFmpegFrameRecorder.Exception {
        warmUp();
        boolean colour = look >= 0;
        int brightness = colour ? 0 : -look - 1;
        FFmpegFrameRecorder rec = new FFmpegFrameRecorder(url, WIDTH, HEIGHT, CHANNELS);
        rec.setFormat("flv");
        rec.setVideoCodec(AV_CODEC_ID_H264);
        rec.setPixelFormat(AV_PIX_FMT_YUV420P);
        rec.setFrameRate(FPS);
        rec.setGopSize(2 * FPS);
        rec.setVideoBitrate(600_000);
        rec.setVideoOption("preset", "veryfast");
        rec.setVideoOption("bf", "2");
        rec.setVideoOption("x264-params", "keyint=60:min-keyint=60:scenecut=0:bframes=2");
        rec.setAudioCodec(AV_CODEC_ID_AAC);
        rec.setSampleRate(SAMPLE_RATE);
        rec.setAudioChannels(CHANNELS);
        rec.setAudioBitrate(96_000);
        rec.setOption("rw_timeout", "10000000");
        int sent = 0;
        try {
            rec.start();
            Frame picture = new Frame(WIDTH, HEIGHT, Frame.DEPTH_UBYTE, colour ? 3 : 1);
            ByteBuffer pixels = (ByteBuffer) picture.image[0];
            int stride = picture.imageStride;
            int samplesPerFrame = SAMPLE_RATE / FPS;
            short[] pcm = new short[samplesPerFrame * CHANNELS];
            long sample = 0;
            long start = System.nanoTime();
            for (int i = 0; i < frames && !stop.get(); i++) {
                int bar = (i * 4) % WIDTH;
                for (int y = 0; y < HEIGHT; y++) {
                    for (int x = 0; x < WIDTH; x++) {
                        if (!colour) {
                            pixels.put(y * stride + x, (byte) (x >= bar && x < bar + 16 && y > HEIGHT / 2 ? 255 : brightness));
                        } else {
                            boolean white = x >= bar && x < bar + 16 && y > HEIGHT * 7 / 8;
                            int o = y * stride + 3 * x;
                            pixels.put(o, (byte) (white ? 255 : look & 0xff));
                            pixels.put(o + 1, (byte) (white ? 255 : (look >> 8) & 0xff));
                            pixels.put(o + 2, (byte) (white ? 255 : (look >> 16) & 0xff));
                        }
                    }
                }
                rec.record(picture, colour ? AV_PIX_FMT_BGR24 : AV_PIX_FMT_GRAY8);
                for (int s = 0; s < samplesPerFrame; s++, sample++) {
                    short v = (short) (Math.sin(2 * Math.PI * toneHz * sample / SAMPLE_RATE) * 8000);
                    pcm[2 * s] = v;
                    pcm[2 * s + 1] = v;
                }
                rec.recordSamples(SAMPLE_RATE, CHANNELS, ShortBuffer.wrap(pcm));
                sent++;
                if (realTime) {
                    long due = start + (i + 1) * 1_000_000_000L / FPS;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        try {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                }
            }
            rec.stop();
        } finally {
            rec.release();
        }
        return sent;
    }
}
