package dev.amphi.transcode.encode;

import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.frame.Picture;
import java.util.List;

/**
 * What a rung of the ladder encodes with ({@link H264Encoder} in a room; tests give fakes). Used by
 * one rung thread at a time; {@link #encode} copies what it needs of the picture before returning.
 */
interface VideoEncoder extends AutoCloseable {

    /** The decoder configuration of the packets, known before the first one. */
    AvcConfig config();

    /** Encodes one picture at {@code pts90k}; an IDR when {@code forceIdr}. The packets ready now, in order. */
    List<MediaPacket> encode(Picture picture, long pts90k, boolean forceIdr);

    /** The packets still held back (lookahead, B-frames), at the end. */
    List<MediaPacket> flush();

    /** Frees the encoder. */
    @Override
    void close();

    /** Opens the encoder of one rung. */
    @FunctionalInterface
    interface Factory {
        /** The default: libx264, libopenh264 or h264_nvenc as the settings say. */
        Factory H264 = (rung, settings) -> new H264Encoder(rung.width(), rung.height(), rung.videoBitrate(), settings);

        /** @throws IllegalStateException when the encoder does not open */
        VideoEncoder open(Rung rung, EncoderSettings settings);
    }
}
