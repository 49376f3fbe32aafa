package dev.amphi.ingest.webrtc.codec;

/** The NAL unit types RFC 6184 adds for RTP: aggregation (STAP-A) and fragmentation (FU-A). */
final class RtpH264 {

    static final int STAP_A = 24;
    static final int FU_A = 28;

    private RtpH264() {
    }
}
