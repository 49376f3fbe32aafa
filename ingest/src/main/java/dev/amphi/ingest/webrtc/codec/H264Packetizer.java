package dev.amphi.ingest.webrtc.codec;

import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.NalUnits;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Access units → RFC 6184 packetization mode 1 payloads of at most {@code maxPayloadSize} bytes: a
 * NAL unit that fits goes alone (single NAL unit packet) or, with the small ones that follow it,
 * in one STAP-A; a larger one is cut into FU-A fragments. The last packet of an access unit has
 * the marker bit. Sequence numbers continue from one access unit to the next (wrapping at 2^16).
 * Single-threaded.
 */
public final class H264Packetizer {

    private final int maxPayloadSize;
    private int nextSeq;

    /**
     * @param maxPayloadSize        largest payload, e.g. 1200 (at least 3, at most 65535)
     * @param firstSequenceNumber   sequence number of the first packet, 0..65535
     */
    public H264Packetizer(int maxPayloadSize, int firstSequenceNumber) {
        if (maxPayloadSize < 3 || maxPayloadSize > 0xffff) {
            throw new IllegalArgumentException("H.264 max payload size must be 3..65535, was " + maxPayloadSize);
        }
        if (firstSequenceNumber < 0 || firstSequenceNumber > 0xffff) {
            throw new IllegalArgumentException("RTP sequence number must be 0..65535, was " + firstSequenceNumber);
        }
        this.maxPayloadSize = maxPayloadSize;
        this.nextSeq = firstSequenceNumber;
    }

    /**
     * Packetizes an H.264 {@link MediaPacket} (AVCC) at its pts. A keyframe that carries no SPS gets the
     * configuration's SPS and PPS in front of it, so a receiver can start decoding there.
     */
    public List<RtpPayload> packetize(MediaPacket packet) {
        return number(packet.pts() & 0xffffffffL, payloads(packet));
    }

    /**
     * The payloads {@link #packetize(MediaPacket)} numbers, in order (the last one ends the access
     * unit). They depend only on the packet and the payload size, so a sender with many receivers
     * can make them once and {@link #number} them per receiver; nobody may change the arrays.
     */
    public List<byte[]> payloads(MediaPacket packet) {
        if (!(packet.config() instanceof AvcConfig config)) {
            throw new IllegalArgumentException("not an H.264 packet: " + packet.config());
        }
        List<byte[]> nals = NalUnits.splitAvcc(packet.data(), config.nalLengthSize());
        if (packet.keyframe() && nals.stream().noneMatch(n -> NalUnits.type(n) == NalUnits.SPS)) {
            List<byte[]> withSets = new ArrayList<>(config.sps());
            withSets.addAll(config.pps());
            withSets.addAll(nals);
            nals = withSets;
        }
        return payloads(nals);
    }

    /**
     * Packetizes the NAL units of one access unit (without start codes or length prefixes; empty
     * ones are skipped).
     *
     * @param rtpTimestamp 90 kHz RTP timestamp of every packet of the access unit
     */
    public List<RtpPayload> packetize(long rtpTimestamp, List<byte[]> accessUnit) {
        return number(rtpTimestamp, payloads(accessUnit));
    }

    /** This packetizer's next sequence numbers for {@code payloads} (one access unit's, from {@link #payloads}). */
    public List<RtpPayload> number(long rtpTimestamp, List<byte[]> payloads) {
        List<RtpPayload> out = new ArrayList<>(payloads.size());
        for (int k = 0; k < payloads.size(); k++) {
            out.add(new RtpPayload(nextSeq, rtpTimestamp, k == payloads.size() - 1, payloads.get(k)));
            nextSeq = (nextSeq + 1) & 0xffff;
        }
        return out;
    }

    private List<byte[]> payloads(List<byte[]> accessUnit) {
        List<byte[]> nals = accessUnit.stream().filter(n -> n.length > 0).toList();
        List<byte[]> payloads = new ArrayList<>();
        int i = 0;
        while (i < nals.size()) {
            byte[] nal = nals.get(i);
            if (nal.length > maxPayloadSize) {
                fragment(nal, payloads);
                i++;
                continue;
            }
            int size = 1 + 2 + nal.length;
            int j = i + 1;
            while (j < nals.size() && size + 2 + nals.get(j).length <= maxPayloadSize) {
                size += 2 + nals.get(j).length;
                j++;
            }
            if (j - i >= 2 && size <= maxPayloadSize) {
                payloads.add(stapA(nals.subList(i, j), size));
                i = j;
            } else {
                payloads.add(nal.clone());
                i++;
            }
        }
        return Collections.unmodifiableList(payloads);
    }

    private static byte[] stapA(List<byte[]> nals, int size) {
        byte[] out = new byte[size];
        int forbidden = 0;
        int nri = 0;
        int pos = 1;
        for (byte[] n : nals) {
            forbidden |= n[0] & 0x80;
            nri = Math.max(nri, n[0] & 0x60);
            out[pos] = (byte) (n.length >>> 8);
            out[pos + 1] = (byte) n.length;
            System.arraycopy(n, 0, out, pos + 2, n.length);
            pos += 2 + n.length;
        }
        out[0] = (byte) (forbidden | nri | RtpH264.STAP_A);
        return out;
    }

    private void fragment(byte[] nal, List<byte[]> payloads) {
        int indicator = (nal[0] & 0xe0) | RtpH264.FU_A;
        int type = nal[0] & 0x1f;
        int chunk = maxPayloadSize - 2;
        for (int pos = 1; pos < nal.length; pos += chunk) {
            int len = Math.min(chunk, nal.length - pos);
            byte[] p = new byte[2 + len];
            p[0] = (byte) indicator;
            p[1] = (byte) ((pos == 1 ? 0x80 : 0) | (pos + len == nal.length ? 0x40 : 0) | type);
            System.arraycopy(nal, pos, p, 2, len);
            payloads.add(p);
        }
    }
}
