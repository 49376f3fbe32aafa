package dev.amphi.ingest.webrtc.rtp;

import java.util.Arrays;

/**
 * An RTP packet read where it lies (RFC 3550 5.1, RFC 8285 extensions): the header's fields, where
 * the payload is and the header extension's elements looked up in place, without the copies and
 * objects of {@link RtpPacket} (which {@link #toPacket()} makes). For the receive path, which reads
 * every packet of every peer. The checks are {@link RtpPacket#parse}'s, which is built on this:
 * {@link RtpFormatException} for a packet that is not well-formed, extension element lists
 * included. It refers to the array it was read from, which must not change while it is used.
 */
public final class RtpView {

    private final byte[] packet;
    private final int offset;
    private final boolean marker;
    private final int payloadType;
    private final int sequenceNumber;
    private final long timestamp;
    private final int ssrc;
    private final int csrcCount;
    /** The extension's profile, -1 without one. */
    private final int extensionProfile;
    private final int extensionOffset;
    private final int extensionLength;
    private final int payloadOffset;
    private final int payloadLength;
    private final int paddingLength;

    private RtpView(byte[] packet, int offset, int length) {
        if (length < RtpPacket.FIXED_HEADER) {
            throw new RtpFormatException("RTP packet of " + length + " bytes is shorter than the 12-byte fixed header");
        }
        if (offset < 0 || length > packet.length - offset) {
            throw new IllegalArgumentException("bytes " + offset + "+" + length + " are not within the array of " + packet.length);
        }
        this.packet = packet;
        this.offset = offset;
        int b0 = packet[offset] & 0xff;
        int version = b0 >>> 6;
        if (version != 2) {
            throw new RtpFormatException("RTP version " + version + ", expected 2");
        }
        boolean padding = (b0 & 0x20) != 0;
        boolean hasExtension = (b0 & 0x10) != 0;
        csrcCount = b0 & 0x0f;
        int b1 = packet[offset + 1] & 0xff;
        marker = (b1 & 0x80) != 0;
        payloadType = b1 & 0x7f;
        sequenceNumber = u16(offset + 2);
        timestamp = ((long) u16(offset + 4) << 16) | u16(offset + 6);
        ssrc = (u16(offset + 8) << 16) | u16(offset + 10);
        int end = offset + length;
        int at = offset + RtpPacket.FIXED_HEADER;
        if (csrcCount * 4 > end - at) {
            throw new RtpFormatException("CSRC count " + csrcCount + " needs " + csrcCount * 4 + " bytes but only "
                    + (end - at) + " follow the fixed header");
        }
        at += csrcCount * 4;
        if (hasExtension) {
            if (end - at < 4) {
                throw new RtpFormatException("extension bit set but only " + (end - at) + " bytes follow the CSRCs (need 4)");
            }
            extensionProfile = u16(at);
            int words = u16(at + 2);
            at += 4;
            if (words * 4 > end - at) {
                throw new RtpFormatException("header extension length " + words + " words (" + words * 4
                        + " bytes) but only " + (end - at) + " bytes remain");
            }
            extensionOffset = at;
            extensionLength = words * 4;
            at += extensionLength;
            checkElements();
        } else {
            extensionProfile = -1;
            extensionOffset = at;
            extensionLength = 0;
        }
        int pad = 0;
        if (padding) {
            if (end == at) {
                throw new RtpFormatException("padding bit set but no byte follows the header to hold the padding count");
            }
            pad = packet[end - 1] & 0xff;
            if (pad == 0) {
                throw new RtpFormatException("padding bit set but the padding count is 0");
            }
            if (pad > end - at) {
                throw new RtpFormatException("padding of " + pad + " bytes is larger than the " + (end - at)
                        + " bytes after the header");
            }
        }
        paddingLength = pad;
        payloadOffset = at;
        payloadLength = end - at - pad;
    }

    /** Reads {@code packet} whole. */
    public static RtpView parse(byte[] packet) {
        return new RtpView(packet, 0, packet.length);
    }

    /** Reads {@code length} bytes of {@code packet} from {@code offset}. */
    public static RtpView parse(byte[] packet, int offset, int length) {
        return new RtpView(packet, offset, length);
    }

    private int u16(int at) {
        return ((packet[at] & 0xff) << 8) | (packet[at + 1] & 0xff);
    }

    private boolean rfc8285() {
        return extensionProfile == RtpHeaderExtension.ONE_BYTE_PROFILE
                || extensionProfile >= 0 && (extensionProfile & 0xfff0) == RtpHeaderExtension.TWO_BYTE_PROFILE;
    }

    /** Walks the element list once, as {@link RtpHeaderExtension} does when it is made, refusing a malformed one. */
    private void checkElements() {
        if (rfc8285()) {
            find(-1);
        }
    }

    /**
     * Where the data of element {@code id} starts, its length in the high bits: {@code length << 32 | offset};
     * -1 when absent. {@code id} -1 walks the whole list (checking it).
     */
    private long find(int id) {
        boolean oneByte = extensionProfile == RtpHeaderExtension.ONE_BYTE_PROFILE;
        int at = extensionOffset;
        int end = extensionOffset + extensionLength;
        while (at < end) {
            int first = packet[at++] & 0xff;
            int elementId;
            int len;
            if (oneByte) {
                elementId = first >>> 4;
                if (elementId == 0) {
                    continue; // padding
                }
                if (elementId == 15) {
                    return -1; // reserved: the list stops here
                }
                len = (first & 0x0f) + 1;
            } else {
                if (first == 0) {
                    continue;
                }
                if (at == end) {
                    throw new RtpFormatException("two-byte extension element length of id " + first
                            + " needs 1 bytes but only 0 remain");
                }
                elementId = first;
                len = packet[at++] & 0xff;
            }
            if (len > end - at) {
                throw new RtpFormatException("extension element id " + elementId + " declares " + len + " bytes but only "
                        + (end - at) + " remain in the extension");
            }
            if (elementId == id) {
                return ((long) len << 32) | at;
            }
            at += len;
        }
        return -1;
    }

    public boolean marker() {
        return marker;
    }

    public int payloadType() {
        return payloadType;
    }

    public int sequenceNumber() {
        return sequenceNumber;
    }

    public long timestamp() {
        return timestamp;
    }

    public int ssrc() {
        return ssrc;
    }

    /** Where the payload starts in the array read. */
    public int payloadOffset() {
        return payloadOffset;
    }

    public int payloadLength() {
        return payloadLength;
    }

    /** The payload's byte at {@code index} (0-based within the payload). */
    public int payloadByte(int index) {
        if (index < 0 || index >= payloadLength) {
            throw new IndexOutOfBoundsException("payload byte " + index + " of " + payloadLength);
        }
        return packet[payloadOffset + index] & 0xff;
    }

    /** A copy of the payload from its byte {@code from} on. */
    public byte[] payload(int from) {
        if (from < 0 || from > payloadLength) {
            throw new IndexOutOfBoundsException("payload from " + from + " of " + payloadLength);
        }
        return Arrays.copyOfRange(packet, payloadOffset + from, payloadOffset + payloadLength);
    }

    /** The RFC 6464 audio level (-dBov, 0..127) in extension element {@code id}; -1 when there is none. */
    public int audioLevel(int id) {
        long e = rfc8285() ? find(id) : -1;
        if (e < 0) {
            return -1;
        }
        if (e >>> 32 < 1) {
            throw new RtpFormatException("audio level extension element is empty (needs 1 byte)");
        }
        return packet[(int) e] & 0x7f;
    }

    /** As {@link RtpPacket#transportSequenceNumber}: the transport-wide sequence number in element {@code id}, -1 when absent. */
    public int transportSequenceNumber(int id) {
        long e = rfc8285() ? find(id) : -1;
        if (e < 0) {
            return -1;
        }
        int len = (int) (e >>> 32);
        if (len < 2) {
            throw new RtpFormatException("transport-wide sequence number element has " + len + " bytes (needs 2)");
        }
        return u16((int) e);
    }

    /** The packet as an {@link RtpPacket} (copies). */
    public RtpPacket toPacket() {
        int[] csrcs = new int[csrcCount];
        for (int i = 0; i < csrcCount; i++) {
            int at = offset + RtpPacket.FIXED_HEADER + 4 * i;
            csrcs[i] = (u16(at) << 16) | u16(at + 2);
        }
        RtpHeaderExtension ext = extensionProfile < 0 ? null : new RtpHeaderExtension(extensionProfile,
                Arrays.copyOfRange(packet, extensionOffset, extensionOffset + extensionLength));
        return new RtpPacket(marker, payloadType, sequenceNumber, timestamp, ssrc, csrcs, ext, payload(0), paddingLength);
    }
}
