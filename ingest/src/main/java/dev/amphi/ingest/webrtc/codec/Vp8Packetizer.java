package dev.amphi.ingest.webrtc.codec;

import java.util.ArrayList;
import java.util.List;

/**
 * VP8 frames → RFC 7741 payloads of at most {@code maxPayloadSize} bytes, each with a payload
 * descriptor carrying a 15-bit PictureID that counts frames (as browsers send it); the first packet
 * of a frame has S set, all use partition index 0, the last has the marker bit. Single-threaded.
 */
public final class Vp8Packetizer {

    private static final int DESCRIPTOR_SIZE = 4;

    private final int maxPayloadSize;
    private int nextSeq;
    private int pictureId;

    /**
     * @param maxPayloadSize      largest payload, e.g. 1200 (at least 5)
     * @param firstSequenceNumber sequence number of the first packet, 0..65535
     * @param firstPictureId      PictureID of the first frame, 0..32767
     */
    public Vp8Packetizer(int maxPayloadSize, int firstSequenceNumber, int firstPictureId) {
        if (maxPayloadSize <= DESCRIPTOR_SIZE || maxPayloadSize > 0xffff) {
            throw new IllegalArgumentException("VP8 max payload size must be 5..65535, was " + maxPayloadSize);
        }
        if (firstSequenceNumber < 0 || firstSequenceNumber > 0xffff) {
            throw new IllegalArgumentException("RTP sequence number must be 0..65535, was " + firstSequenceNumber);
        }
        if (firstPictureId < 0 || firstPictureId > 0x7fff) {
            throw new IllegalArgumentException("VP8 PictureID must be 0..32767, was " + firstPictureId);
        }
        this.maxPayloadSize = maxPayloadSize;
        this.nextSeq = firstSequenceNumber;
        this.pictureId = firstPictureId;
    }

    /**
     * @param rtpTimestamp 90 kHz RTP timestamp of the frame
     * @param frame        one whole VP8 frame (frame tag first)
     */
    public List<RtpPayload> packetize(long rtpTimestamp, byte[] frame) {
        if (frame.length == 0) {
            throw new IllegalArgumentException("empty VP8 frame");
        }
        int chunk = maxPayloadSize - DESCRIPTOR_SIZE;
        List<RtpPayload> out = new ArrayList<>();
        for (int pos = 0; pos < frame.length; pos += chunk) {
            int len = Math.min(chunk, frame.length - pos);
            byte[] d = new Vp8Descriptor(false, pos == 0, 0, pictureId, true, -1, -1, false, -1,
                    DESCRIPTOR_SIZE).toBytes();
            byte[] p = new byte[d.length + len];
            System.arraycopy(d, 0, p, 0, d.length);
            System.arraycopy(frame, pos, p, d.length, len);
            out.add(new RtpPayload(nextSeq, rtpTimestamp, pos + len == frame.length, p));
            nextSeq = (nextSeq + 1) & 0xffff;
        }
        pictureId = (pictureId + 1) & 0x7fff;
        return out;
    }
}
