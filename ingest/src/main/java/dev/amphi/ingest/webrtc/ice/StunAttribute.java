package dev.amphi.ingest.webrtc.ice;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One STUN attribute as it travels: its 16-bit type and its value without padding. The factory
 * methods build the attributes an ICE-lite server writes; {@link StunMessage} decodes the ones it
 * reads. Types below {@code 0x8000} are comprehension-required (RFC 8489 section 14).
 */
public record StunAttribute(int type, byte[] value) {

    public static final int MAPPED_ADDRESS = 0x0001;
    public static final int USERNAME = 0x0006;
    public static final int MESSAGE_INTEGRITY = 0x0008;
    public static final int ERROR_CODE = 0x0009;
    public static final int UNKNOWN_ATTRIBUTES = 0x000A;
    public static final int MESSAGE_INTEGRITY_SHA256 = 0x001C;
    public static final int XOR_MAPPED_ADDRESS = 0x0020;
    public static final int PRIORITY = 0x0024;
    public static final int USE_CANDIDATE = 0x0025;
    public static final int SOFTWARE = 0x8022;
    public static final int FINGERPRINT = 0x8028;
    public static final int ICE_CONTROLLED = 0x8029;
    public static final int ICE_CONTROLLING = 0x802A;

    /** The longest USERNAME value RFC 8489 allows, in bytes. */
    public static final int MAX_USERNAME_BYTES = 513;

    public StunAttribute {
        if (type < 0 || type > 0xFFFF) {
            throw new IllegalArgumentException("attribute type " + type + " is not 16 bits");
        }
        Objects.requireNonNull(value, "value");
        if (value.length > 0xFFFF - 4) {
            throw new IllegalArgumentException("attribute value of " + value.length + " bytes is too long");
        }
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** Whether a receiver that does not know this type must refuse the message (RFC 8489 section 14). */
    public boolean comprehensionRequired() {
        return type < 0x8000;
    }

    public static StunAttribute username(String username) {
        byte[] b = username.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_USERNAME_BYTES) {
            throw new IllegalArgumentException("USERNAME of " + b.length + " bytes is longer than " + MAX_USERNAME_BYTES);
        }
        return new StunAttribute(USERNAME, b);
    }

    public static StunAttribute software(String software) {
        return new StunAttribute(SOFTWARE, software.getBytes(StandardCharsets.UTF_8));
    }

    public static StunAttribute priority(long priority) {
        if (priority < 0 || priority > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("PRIORITY " + priority + " is not an unsigned 32-bit value");
        }
        return new StunAttribute(PRIORITY, ByteBuffer.allocate(4).putInt((int) priority).array());
    }

    public static StunAttribute useCandidate() {
        return new StunAttribute(USE_CANDIDATE, new byte[0]);
    }

    public static StunAttribute iceControlling(long tieBreaker) {
        return new StunAttribute(ICE_CONTROLLING, ByteBuffer.allocate(8).putLong(tieBreaker).array());
    }

    public static StunAttribute iceControlled(long tieBreaker) {
        return new StunAttribute(ICE_CONTROLLED, ByteBuffer.allocate(8).putLong(tieBreaker).array());
    }

    /** ERROR-CODE: a code from 300 to 699 and a reason phrase (RFC 8489 section 14.8). */
    public static StunAttribute errorCode(int code, String reason) {
        if (code < 300 || code > 699) {
            throw new IllegalArgumentException("error code " + code + " is outside 300..699");
        }
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        if (text.length > 763) {
            throw new IllegalArgumentException("reason phrase of " + text.length + " bytes is longer than 763");
        }
        ByteBuffer b = ByteBuffer.allocate(4 + text.length);
        b.putShort((short) 0).put((byte) (code / 100)).put((byte) (code % 100)).put(text);
        return new StunAttribute(ERROR_CODE, b.array());
    }

    /** UNKNOWN-ATTRIBUTES, listing the comprehension-required types a 420 response refuses. */
    public static StunAttribute unknownAttributes(int... types) {
        ByteBuffer b = ByteBuffer.allocate(2 * types.length);
        for (int t : types) {
            b.putShort((short) t);
        }
        return new StunAttribute(UNKNOWN_ATTRIBUTES, b.array());
    }

    /** XOR-MAPPED-ADDRESS of {@code address}, XORed with the magic cookie and, for IPv6, the transaction id. */
    public static StunAttribute xorMappedAddress(InetSocketAddress address, byte[] transactionId) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("address " + address + " is unresolved");
        }
        byte[] ip = address.getAddress().getAddress();
        boolean v4 = address.getAddress() instanceof Inet4Address;
        ByteBuffer b = ByteBuffer.allocate(4 + ip.length);
        b.put((byte) 0).put((byte) (v4 ? 1 : 2)).putShort((short) (address.getPort() ^ (StunMessage.MAGIC_COOKIE >>> 16)));
        byte[] mask = xorMask(transactionId);
        for (int i = 0; i < ip.length; i++) {
            b.put((byte) (ip[i] ^ mask[i]));
        }
        return new StunAttribute(XOR_MAPPED_ADDRESS, b.array());
    }

    /** The 16 bytes an address is XORed with: the magic cookie, then the transaction id. */
    static byte[] xorMask(byte[] transactionId) {
        if (transactionId.length != StunMessage.TRANSACTION_ID_BYTES) {
            throw new IllegalArgumentException("transaction id of " + transactionId.length + " bytes, expected 12");
        }
        return ByteBuffer.allocate(16).putInt(StunMessage.MAGIC_COOKIE).put(transactionId).array();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StunAttribute a && a.type == type && Arrays.equals(a.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return String.format("StunAttribute[0x%04x, %d bytes]", type, value.length);
    }
}
