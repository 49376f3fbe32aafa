package dev.amphi.ingest.webrtc.rtp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The header extension of an RTP packet (RFC 3550 5.3.1): a 16-bit profile and data in whole 32-bit
 * words. With the RFC 8285 profiles, {@code 0xBEDE} (one-byte form: ids 1..14, 1..16 bytes each)
 * and {@code 0x100x} (two-byte form: ids 1..255, 0..255 bytes each), the data is a list of
 * {@link Element}s, parsed when the extension is made so a malformed list is refused at once. Other
 * profiles keep their data opaque and have no elements. The data is kept as received (padding
 * included), so writing a parsed packet gives back its bytes.
 */
public final class RtpHeaderExtension {

    /** Profile of the RFC 8285 one-byte form. */
    public static final int ONE_BYTE_PROFILE = 0xBEDE;
    /** Profile of the RFC 8285 two-byte form (the low 4 bits are application bits). */
    public static final int TWO_BYTE_PROFILE = 0x1000;

    /** One RFC 8285 element: a local identifier and its data. */
    public record Element(int id, byte[] data) {
        public Element {
            if (id < 1 || id > 255) {
                throw new IllegalArgumentException("extension element id " + id + " outside 1..255");
            }
            if (data.length > 255) {
                throw new IllegalArgumentException("extension element data of " + data.length + " bytes is over 255");
            }
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Element e && e.id == id && Arrays.equals(e.data, data);
        }

        @Override
        public int hashCode() {
            return 31 * id + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Element[id=" + id + ", data=" + HexFormat.of().formatHex(data) + "]";
        }
    }

    private final int profile;
    private final byte[] data;
    private final List<Element> elements;

    /**
     * An extension as it is on the wire: {@code profile} (16 bits) and {@code data} (a multiple of 4
     * bytes). Fails with {@link RtpFormatException} when the data of an RFC 8285 profile does not
     * hold a well-formed element list.
     */
    public RtpHeaderExtension(int profile, byte[] data) {
        if (profile < 0 || profile > 0xffff) {
            throw new IllegalArgumentException("extension profile " + profile + " outside 0..0xffff");
        }
        if (data.length % 4 != 0 || data.length / 4 > 0xffff) {
            throw new IllegalArgumentException("extension data of " + data.length + " bytes is not 0..65535 whole 32-bit words");
        }
        this.profile = profile;
        this.data = data.clone();
        this.elements = parseElements(profile, this.data);
    }

    /**
     * The extension carrying {@code elements}, in the one-byte form where every id is 1..14 and every
     * element has 1..16 bytes, in the two-byte form otherwise; zero padding up to a 32-bit word.
     */
    public static RtpHeaderExtension of(List<Element> elements) {
        boolean oneByte = elements.stream().allMatch(e -> e.id() <= 14 && e.data.length >= 1 && e.data.length <= 16);
        int size = 0;
        for (Element e : elements) {
            size += (oneByte ? 1 : 2) + e.data.length;
        }
        ByteBuffer out = ByteBuffer.allocate((size + 3) / 4 * 4);
        for (Element e : elements) {
            if (oneByte) {
                out.put((byte) (e.id() << 4 | (e.data.length - 1)));
            } else {
                out.put((byte) e.id()).put((byte) e.data.length);
            }
            out.put(e.data);
        }
        return new RtpHeaderExtension(oneByte ? ONE_BYTE_PROFILE : TWO_BYTE_PROFILE, out.array());
    }

    public int profile() {
        return profile;
    }

    /** The extension's data (a copy), padding included. */
    public byte[] data() {
        return data.clone();
    }

    int dataLength() {
        return data.length;
    }

    void writeData(ByteBuffer out) {
        out.put(data);
    }

    /** Whether the profile is one of RFC 8285's (so {@link #elements()} means anything). */
    public boolean isRfc8285() {
        return profile == ONE_BYTE_PROFILE || (profile & 0xfff0) == TWO_BYTE_PROFILE;
    }

    /** The RFC 8285 elements in wire order; empty for other profiles. */
    public List<Element> elements() {
        return elements;
    }

    /** The first element with this local identifier. */
    public Optional<Element> find(int id) {
        for (Element e : elements) {
            if (e.id() == id) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private static List<Element> parseElements(int profile, byte[] data) {
        boolean oneByte = profile == ONE_BYTE_PROFILE;
        if (!oneByte && (profile & 0xfff0) != TWO_BYTE_PROFILE) {
            return List.of();
        }
        List<Element> out = new ArrayList<>();
        ByteReader r = new ByteReader(data, 0, data.length);
        while (r.remaining() > 0) {
            int first = r.u8("extension element header");
            if (oneByte) {
                int id = first >>> 4;
                if (id == 0) {
                    continue; // a padding byte (its length bits are ignored, as receivers in the field do)
                }
                if (id == 15) {
                    break; // reserved: RFC 8285 says stop and keep what came before
                }
                int len = (first & 0x0f) + 1;
                out.add(new Element(id, element(r, len, id)));
            } else {
                if (first == 0) {
                    continue;
                }
                int len = r.u8("two-byte extension element length of id " + first);
                out.add(new Element(first, element(r, len, first)));
            }
        }
        return List.copyOf(out);
    }

    private static byte[] element(ByteReader r, int len, int id) {
        if (len > r.remaining()) {
            throw new RtpFormatException("extension element id " + id + " declares " + len + " bytes but only "
                    + r.remaining() + " remain in the extension");
        }
        return r.bytes(len, "extension element " + id);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RtpHeaderExtension x && x.profile == profile && Arrays.equals(x.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * profile + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "RtpHeaderExtension[profile=0x" + Integer.toHexString(profile)
                + (isRfc8285() ? ", elements=" + elements : ", data=" + HexFormat.of().formatHex(data)) + "]";
    }
}
