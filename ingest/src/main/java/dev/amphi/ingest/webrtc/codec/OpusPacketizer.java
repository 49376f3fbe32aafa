package dev.amphi.ingest.webrtc.codec;

/**
 * Opus packets → RFC 7587 payloads: one Opus packet per RTP packet, as it is, on the 48 kHz clock;
 * the marker bit stays clear (no DTX here). Sequence numbers continue from packet to packet.
 * Single-threaded.
 */
public final class OpusPacketizer {

    private int nextSeq;

    /** @param firstSequenceNumber sequence number of the first packet, 0..65535 */
    public OpusPacketizer(int firstSequenceNumber) {
        if (firstSequenceNumber < 0 || firstSequenceNumber > 0xffff) {
            throw new IllegalArgumentException("RTP sequence number must be 0..65535, was " + firstSequenceNumber);
        }
        this.nextSeq = firstSequenceNumber;
    }

    /**
     * @param rtpTimestamp 48 kHz RTP timestamp of the packet's first sample
     * @param opusPacket   one Opus packet (RFC 6716), not empty
     */
    public RtpPayload packetize(long rtpTimestamp, byte[] opusPacket) {
        if (opusPacket.length == 0) {
            throw new IllegalArgumentException("empty Opus packet");
        }
        RtpPayload p = new RtpPayload(nextSeq, rtpTimestamp & 0xffffffffL, false, opusPacket.clone());
        nextSeq = (nextSeq + 1) & 0xffff;
        return p;
    }
}
