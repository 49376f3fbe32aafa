package dev.amphi.ingest.rtmp.testing;

import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * A real RTMP publisher: FFmpeg's own RTMP client and FLV muxer through JavaCV, fed with synthetic
 * media (a moving gradient with a sliding bar, a 440 Hz sine tone). H.264 by libx264 with two
 * B-frames (so composition offsets are non-zero) and a keyframe every {@link #GOP} frames; AAC-LC
 * 44.1 kHz stereo. Frames are pushed as fast as FFmpeg takes them. Not thread-safe.
 */
public final class FfmpegPublisher implements AutoCloseable {

    public static final int WIDTH = 320;
    public static final int HEIGHT = 240;
    public static final int FPS = 30;
    public static final int GOP = 30;
    public static final int SAMPLE_RATE = 44_100;
    public static final int CHANNELS = 2;

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private final FFmpegFrameRecorder recorder;
    private final Frame image = new Frame(WIDTH, HEIGHT, Frame.DEPTH_UBYTE, 3);
    private int videoFrames;
    private long audioSamples;
    private boolean started;

    /** Configured like OBS's defaults (B-frames on); {@code audioCodec} lets a test send something else. */
    public FfmpegPublisher(String url, int audioCodec) {
        recorder = new FFmpegFrameRecorder(url, WIDTH, HEIGHT, CHANNELS);
        recorder.setFormat("flv");
        recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
        recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        recorder.setFrameRate(FPS);
        recorder.setGopSize(GOP);
        recorder.setVideoBitrate(500_000);
        recorder.setVideoOption("preset", "ultrafast");
        recorder.setVideoOption("bf", "2");
        recorder.setVideoOption("x264-params", "scenecut=0:keyint=" + GOP + ":min-keyint=" + GOP + ":b-adapt=0");
        recorder.setAudioCodec(audioCodec);
        recorder.setSampleRate(SAMPLE_RATE);
        recorder.setAudioChannels(CHANNELS);
        recorder.setAudioBitrate(96_000);
        recorder.setOption("rw_timeout", "5000000");
    }

    public FfmpegPublisher(String url) {
        this(url, avcodec.AV_CODEC_ID_AAC);
    }

    /** Connects and publishes (throws when the server refuses). */
    public FfmpegPublisher start() throws FFmpegFrameRecorder.Exception {
        recorder.startUnsafe();
        started = true;
        return this;
    }

    /** Pushes {@code frames} video frames with the matching audio. */
    public FfmpegPublisher push(int frames) throws FFmpegFrameRecorder.Exception {
        for (int i = 0; i < frames; i++) {
            paint(videoFrames);
            recorder.record(image);
            videoFrames++;
            long target = (long) videoFrames * SAMPLE_RATE / FPS;
            int n = (int) (target - audioSamples);
            ShortBuffer pcm = ShortBuffer.allocate(n * CHANNELS);
            for (int s = 0; s < n; s++) {
                short v = (short) (8000 * Math.sin(2 * Math.PI * 440 * (audioSamples + s) / SAMPLE_RATE));
                pcm.put(v).put(v);
            }
            pcm.flip();
            recorder.recordSamples(SAMPLE_RATE, CHANNELS, pcm);
            audioSamples += n;
        }
        return this;
    }

    /** Flushes the encoders and unpublishes. */
    public void stop() throws FFmpegFrameRecorder.Exception {
        if (started) {
            started = false;
            recorder.stop();
        }
    }

    public int videoFrames() {
        return videoFrames;
    }

    public long audioSamples() {
        return audioSamples;
    }

    private void paint(int n) {
        ByteBuffer b = (ByteBuffer) image.image[0];
        int stride = image.imageStride;
        int bar = (n * 4) % WIDTH;
        for (int y = 0; y < HEIGHT; y++) {
            int row = y * stride;
            for (int x = 0; x < WIDTH; x++) {
                boolean inBar = x >= bar && x < bar + 16;
                int i = row + x * 3;
                b.put(i, (byte) (inBar ? 255 : (x + n) & 0xff));
                b.put(i + 1, (byte) (inBar ? 255 : (y + 2 * n) & 0xff));
                b.put(i + 2, (byte) (inBar ? 255 : (x + y) & 0xff));
            }
        }
    }

    /** Releases the native resources (stops first if still started; a stop failure is ignored). */
    @Override
    public void close() {
        try {
            stop();
        } catch (Exception ignored) {
            // the server may have closed the connection on purpose
        }
        try {
            recorder.release();
        } catch (Exception ignored) {
            // nothing left to do
        }
    }
}
