package dev.amphi.ingest.webrtc.rtp;

/**
 * One packet of a compound RTCP packet that Amphi understands. {@link Rtcp#parse} gives them in wire
 * order (skipping types it does not know), {@link Rtcp#write} writes a list of them as one compound
 * packet.
 */
public sealed interface RtcpPacket permits SenderReport, ReceiverReport, SourceDescription, Bye, GenericNack,
        PictureLossIndication, Remb, TransportCcFeedback {

    /** RTCP packet type: sender report. */
    int SR = 200;
    /** RTCP packet type: receiver report. */
    int RR = 201;
    /** RTCP packet type: source description. */
    int SDES = 202;
    /** RTCP packet type: goodbye. */
    int BYE = 203;
    /** RTCP packet type: transport layer feedback (RFC 4585). */
    int RTPFB = 205;
    /** RTCP packet type: payload-specific feedback (RFC 4585). */
    int PSFB = 206;
}
