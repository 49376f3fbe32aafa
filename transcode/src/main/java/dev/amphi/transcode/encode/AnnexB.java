package dev.amphi.transcode.encode;

import dev.amphi.media.AvcConfig;
import dev.amphi.media.NalUnits;
import java.util.ArrayList;
import java.util.List;

/**
 * The decoder configuration of an encoder's output: an AVCDecoderConfigurationRecord (ISO/IEC
 * 14496-15, 5.3.3.1) from the SPS and PPS in its Annex B extradata. The NAL unit framing itself is
 * {@link NalUnits}'.
 */
final class AnnexB {

    private AnnexB() {
    }

    /**
     * Builds the decoder configuration (4-byte NAL lengths) from an encoder's Annex B extradata,
     * which must hold at least one SPS and one PPS.
     */
    static AvcConfig config(byte[] annexBExtradata) {
        List<byte[]> sps = new ArrayList<>();
        List<byte[]> pps = new ArrayList<>();
        for (byte[] nal : NalUnits.splitAnnexB(annexBExtradata)) {
            if (NalUnits.type(nal) == NalUnits.SPS) {
                sps.add(nal);
            } else if (NalUnits.type(nal) == NalUnits.PPS) {
                pps.add(nal);
            }
        }
        return AvcConfig.of(sps, pps);
    }
}
