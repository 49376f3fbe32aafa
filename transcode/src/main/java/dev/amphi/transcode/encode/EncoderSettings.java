package dev.amphi.transcode.encode;

import java.util.Objects;
import java.util.TreeSet;

/**
 * How every rung of a ladder is encoded.
 *
 * @param codec     the H.264 encoder
 * @param preset    a preset the codec knows ({@link VideoCodec#presets()}), e.g. {@code ultrafast}
 * @param fps       nominal frame rate of the program, 1..240 (rate control and HLS FRAME-RATE)
 * @param gopFrames frames from one IDR to the next, 1..fps*20 (e.g. 60 = 2 s at 30 fps)
 * @param threads   encoder threads per rung, 0 = the encoder decides, at most 64
 */
public record EncoderSettings(VideoCodec codec, String preset, int fps, int gopFrames, int threads) {

    public EncoderSettings {
        Objects.requireNonNull(codec, "codec");
        if (preset == null || !codec.presets().contains(preset)) {
            throw new IllegalArgumentException("unknown " + codec.ffmpegName() + " preset '" + preset + "', expected one of "
                    + new TreeSet<>(codec.presets()));
        }
        if (fps < 1 || fps > 240) {
            throw new IllegalArgumentException("fps must be within 1..240, got " + fps);
        }
        if (gopFrames < 1 || gopFrames > fps * 20) {
            throw new IllegalArgumentException("gopFrames must be within 1.." + fps * 20 + " (20 s at " + fps + " fps), got "
                    + gopFrames);
        }
        if (threads < 0 || threads > 64) {
            throw new IllegalArgumentException("threads must be within 0..64 (0 = automatic), got " + threads);
        }
    }

    /** x264 with the given preset, a GOP of {@code gopFrames} and automatic threads. */
    public static EncoderSettings x264(String preset, int fps, int gopFrames) {
        return new EncoderSettings(VideoCodec.LIBX264, preset, fps, gopFrames, 0);
    }

    /** The same settings with another preset. */
    public EncoderSettings withPreset(String newPreset) {
        return new EncoderSettings(codec, newPreset, fps, gopFrames, threads);
    }

    /** The same settings with another thread count. */
    public EncoderSettings withThreads(int newThreads) {
        return new EncoderSettings(codec, preset, fps, gopFrames, newThreads);
    }
}
