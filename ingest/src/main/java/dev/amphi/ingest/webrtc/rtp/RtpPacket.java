package dev.amphi.ingest.webrtc.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * An RTP packet (RFC 3550 5.1): the fixed header, CSRCs, an optional header extension, the payload
 * and the length of its padding. Values are unsigned where RTP says so: {@code payloadType} 0..127,
 * {@code sequenceNumber} 0..65535, {@code timestamp} 0..2^32-1; SSRC and CSRCs are identifiers kept
 * as {@code int} bits. {@code extension} is {@code null} when the packet has none. The payload is a
 * copy of the packet's bytes, so a parsed packet does not hold its input.
 *
 * <p>{@link #parse} refuses every malformed packet with an {@link RtpFormatException} naming what is
 * wrong; {@link #write} gives the wire bytes, and {@code parse(p.write())} equals {@code p}.
 */
public record RtpPacket(boolean marker, int payloadType, int sequenceNumber, long timestamp, int ssrc, int[] csrcs,
        RtpHeaderExtension extension, byte[] payload, int paddingLength) {

    /** Fixed header size in bytes. */
    public static final int FIXED_HEADER = 12;

    public RtpPacket {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type " + payloadType + " outside 0..127");
        }
        if (sequenceNumber < 0 || sequenceNumber > 0xffff) {
            throw new IllegalArgumentException("sequence number " + sequenceNumber + " outside 0..65535");
        }
        if (timestamp < 0 || timestamp > 0xffffffffL) {
            throw new IllegalArgumentException("timestamp " + timestamp + " outside 0..2^32-1");
        }
        if (csrcs.length > 15) {
            throw new IllegalArgumentException(csrcs.length + " CSRCs, at most 15");
        }
        if (paddingLength < 0 || paddingLength > 255) {
            throw new IllegalArgumentException("padding length " + paddingLength + " outside 0..255");
        }
        csrcs = csrcs.clone();
        payload = payload.clone();
    }

    /** A packet without CSRCs, extension or padding. */
    public static RtpPacket of(boolean marker, int payloadType, int sequenceNumber, long timestamp, int ssrc, byte[] payload) {
        return new RtpPacket(marker, payloadType, sequenceNumber, timestamp, ssrc, new int[0], null, payload, 0);
    }

    /**
     * The bytes of a packet without CSRCs, extension or padding, written directly (what
     * {@code of(...).write()} gives, without the record's defensive copies: for a sender that
     * writes many packets a second).
     */
    public static byte[] write(boolean marker, int payloadType, int sequenceNumber, long timestamp, int ssrc, byte[] payload) {
        if (payloadType < 0 || payloadType > 127 || sequenceNumber < 0 || sequenceNumber > 0xffff || timestamp < 0
                || timestamp > 0xffffffffL) {
            return of(marker, payloadType, sequenceNumber, timestamp, ssrc, payload).write(); // throws the record's message
        }
        byte[] out = new byte[FIXED_HEADER + payload.length];
        out[0] = (byte) 0x80;
        out[1] = (byte) ((marker ? 0x80 : 0) | payloadType);
        out[2] = (byte) (sequenceNumber >>> 8);
        out[3] = (byte) sequenceNumber;
        out[4] = (byte) (timestamp >>> 24);
        out[5] = (byte) (timestamp >>> 16);
        out[6] = (byte) (timestamp >>> 8);
        out[7] = (byte) timestamp;
        out[8] = (byte) (ssrc >>> 24);
        out[9] = (byte) (ssrc >>> 16);
        out[10] = (byte) (ssrc >>> 8);
        out[11] = (byte) ssrc;
        System.arraycopy(payload, 0, out, FIXED_HEADER, payload.length);
        return out;
    }

    /** This packet with another header extension ({@code null}: none). */
    public RtpPacket withExtension(RtpHeaderExtension ext) {
        return new RtpPacket(marker, payloadType, sequenceNumber, timestamp, ssrc, csrcs, ext, payload, paddingLength);
    }

    public static RtpPacket parse(byte[] packet) {
        return parse(packet, 0, packet.length);
    }

    /** Parses the readable bytes of {@code buf} without moving its indexes or releasing it. */
    public static RtpPacket parse(ByteBuf buf) {
        return parse(ByteBufUtil.getBytes(buf));
    }

    public static RtpPacket parse(byte[] packet, int offset, int length) {
        return RtpView.parse(packet, offset, length).toPacket();
    }

    /** Size on the wire. */
    public int length() {
        return FIXED_HEADER + 4 * csrcs.length + (extension == null ? 0 : 4 + extension.dataLength())
                + payload.length + paddingLength;
    }

    /** The wire bytes; padding is zeros ending with its count. */
    public byte[] write() {
        ByteBuffer out = ByteBuffer.allocate(length());
        out.put((byte) (0x80 | (paddingLength > 0 ? 0x20 : 0) | (extension != null ? 0x10 : 0) | csrcs.length));
        out.put((byte) ((marker ? 0x80 : 0) | payloadType));
        out.putShort((short) sequenceNumber);
        out.putInt((int) timestamp);
        out.putInt(ssrc);
        for (int c : csrcs) {
            out.putInt(c);
        }
        if (extension != null) {
            out.putShort((short) extension.profile());
            out.putShort((short) (extension.dataLength() / 4));
            extension.writeData(out);
        }
        out.put(payload);
        if (paddingLength > 0) {
            out.position(out.capacity() - 1);
            out.put((byte) paddingLength);
        }
        return out.array();
    }

    /** The RFC 6464 audio level carried in the extension element {@code id} (negotiated in SDP), if any. */
    public Optional<AudioLevel> audioLevel(int id) {
        return element(id).map(AudioLevel::parse);
    }

    /**
     * The transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions, 0..65535)
     * carried in the extension element {@code id}, if any; -1 when absent.
     */
    public int transportSequenceNumber(int id) {
        Optional<byte[]> data = element(id);
        if (data.isEmpty()) {
            return -1;
        }
        byte[] d = data.get();
        if (d.length < 2) {
            throw new RtpFormatException("transport-wide sequence number element has " + d.length + " bytes (needs 2)");
        }
        return ((d[0] & 0xff) << 8) | (d[1] & 0xff);
    }

    private Optional<byte[]> element(int id) {
        return extension == null ? Optional.empty() : extension.find(id).map(RtpHeaderExtension.Element::data);
    }

    @Override
    public int[] csrcs() {
        return csrcs.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** Payload size, without copying it. */
    public int payloadLength() {
        return payload.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RtpPacket p && p.marker == marker && p.payloadType == payloadType
                && p.sequenceNumber == sequenceNumber && p.timestamp == timestamp && p.ssrc == ssrc
                && Arrays.equals(p.csrcs, csrcs) && java.util.Objects.equals(p.extension, extension)
                && Arrays.equals(p.payload, payload) && p.paddingLength == paddingLength;
    }

    @Override
    public int hashCode() {
        return ((31 * sequenceNumber + (int) timestamp) * 31 + ssrc) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "RtpPacket[pt=" + payloadType + ", seq=" + sequenceNumber + ", ts=" + timestamp + ", ssrc="
                + Integer.toUnsignedString(ssrc) + (marker ? ", marker" : "") + (csrcs.length > 0 ? ", csrcs=" + Arrays.toString(csrcs) : "")
                + (extension != null ? ", " + extension : "") + ", payload=" + payload.length + " bytes"
                + (payload.length <= 16 ? " " + HexFormat.of().formatHex(payload) : "")
                + (paddingLength > 0 ? ", padding=" + paddingLength : "") + "]";
    }
}
