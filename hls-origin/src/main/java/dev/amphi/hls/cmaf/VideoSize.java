package dev.amphi.hls.cmaf;

import dev.amphi.media.AvcConfig;
import java.nio.ByteBuffer;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;

/** Display width and height of an H.264 stream, read from its first SPS with jcodec. */
public record VideoSize(int width, int height) {

    public VideoSize {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("video size must be positive, was " + width + "x" + height);
        }
    }

    /**
     * Parses the first SPS of {@code config} (after removing emulation prevention bytes) and applies
     * its frame cropping.
     *
     * @throws IllegalArgumentException when the SPS cannot be parsed
     */
    public static VideoSize of(AvcConfig config) {
        byte[] nal = config.sps().get(0);
        if (nal.length < 4) {
            throw new IllegalArgumentException("SPS of " + nal.length + " bytes is too short");
        }
        ByteBuffer rbsp = ByteBuffer.wrap(nal, 1, nal.length - 1).slice();
        SeqParameterSet sps;
        try {
            H264Utils.unescapeNAL(rbsp);
            sps = SeqParameterSet.read(rbsp);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot parse SPS: " + e, e);
        }
        int frameMbsOnly = sps.frameMbsOnlyFlag ? 1 : 0;
        int width = (sps.picWidthInMbsMinus1 + 1) * 16;
        int height = (2 - frameMbsOnly) * (sps.picHeightInMapUnitsMinus1 + 1) * 16;
        if (sps.frameCroppingFlag) {
            int chroma = sps.chromaFormatIdc == null ? 1 : SeqParameterSet.fromColor(sps.chromaFormatIdc);
            boolean separate = sps.separateColourPlaneFlag;
            int cropUnitX = (chroma == 0 || separate) ? 1 : (chroma == 3 ? 1 : 2);
            int subHeightC = (chroma == 1) ? 2 : 1;
            int cropUnitY = (chroma == 0 || separate) ? (2 - frameMbsOnly) : subHeightC * (2 - frameMbsOnly);
            width -= cropUnitX * (sps.frameCropLeftOffset + sps.frameCropRightOffset);
            height -= cropUnitY * (sps.frameCropTopOffset + sps.frameCropBottomOffset);
        }
        return new VideoSize(width, height);
    }
}
