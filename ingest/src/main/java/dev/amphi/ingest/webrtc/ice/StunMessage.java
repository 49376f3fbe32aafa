package dev.amphi.ingest.webrtc.ice;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A STUN message (RFC 8489, formerly RFC 5389): type, transaction id and attributes, parsed from
 * one datagram or written into one. Parsing keeps the datagram's bytes so that
 * {@link #verifyIntegrity(byte[])} and {@link #verifyFingerprint()} check exactly what was
 * received. Attributes after MESSAGE-INTEGRITY other than FINGERPRINT, and anything after
 * FINGERPRINT, are ignored as the RFC says; unknown attributes are kept (see
 * {@link #unknownComprehensionRequired()}). Immutable and thread-safe.
 */
public final class StunMessage {

    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int HEADER_BYTES = 20;
    public static final int TRANSACTION_ID_BYTES = 12;
    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_INDICATION = 0x0011;
    public static final int BINDING_SUCCESS = 0x0101;
    public static final int BINDING_ERROR = 0x0111;

    private static final int FINGERPRINT_XOR = 0x5354554E;
    private static final int HMAC_SHA1_BYTES = 20;

    /** An ERROR-CODE attribute's code (300..699) and reason phrase. */
    public record ErrorCode(int code, String reason) {
        public ErrorCode {
            if (code < 300 || code > 699) {
                throw new IllegalArgumentException("error code " + code + " is outside 300..699");
            }
            Objects.requireNonNull(reason, "reason");
        }
    }

    private final int type;
    private final byte[] transactionId;
    private final List<StunAttribute> attributes;
    private final byte[] raw;
    private final int integrityOffset;
    private final int fingerprintOffset;

    private StunMessage(int type, byte[] transactionId, List<StunAttribute> attributes, byte[] raw,
            int integrityOffset, int fingerprintOffset) {
        this.type = type;
        this.transactionId = transactionId;
        this.attributes = List.copyOf(attributes);
        this.raw = raw;
        this.integrityOffset = integrityOffset;
        this.fingerprintOffset = fingerprintOffset;
    }

    /** Parses one datagram that holds exactly one STUN message. */
    public static StunMessage parse(byte[] datagram) {
        return parse(datagram, 0, datagram.length);
    }

    public static StunMessage parse(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (length < HEADER_BYTES) {
            throw new StunFormatException("STUN message of " + length + " bytes is shorter than the 20-byte header");
        }
        byte[] raw = Arrays.copyOfRange(data, offset, offset + length);
        ByteBuffer b = ByteBuffer.wrap(raw);
        int type = b.getShort() & 0xFFFF;
        if ((type & 0xC000) != 0) {
            throw new StunFormatException(String.format("STUN message type 0x%04x has its top two bits set", type));
        }
        int declared = b.getShort() & 0xFFFF;
        int cookie = b.getInt();
        if (cookie != MAGIC_COOKIE) {
            throw new StunFormatException(String.format("magic cookie 0x%08x, expected 0x%08x", cookie, MAGIC_COOKIE));
        }
        if ((declared & 3) != 0) {
            throw new StunFormatException("message length " + declared + " is not a multiple of 4");
        }
        if (declared != length - HEADER_BYTES) {
            throw new StunFormatException("message length " + declared + " but the datagram has "
                    + (length - HEADER_BYTES) + " bytes after the header");
        }
        byte[] transactionId = new byte[TRANSACTION_ID_BYTES];
        b.get(transactionId);
        List<StunAttribute> attributes = new ArrayList<>();
        int integrity = -1;
        int fingerprint = -1;
        while (b.hasRemaining()) {
            int at = b.position();
            if (b.remaining() < 4) {
                throw new StunFormatException("attribute header at byte " + at + " is cut off");
            }
            int attrType = b.getShort() & 0xFFFF;
            int attrLength = b.getShort() & 0xFFFF;
            int padded = (attrLength + 3) & ~3;
            if (padded > b.remaining()) {
                throw new StunFormatException(String.format(
                        "attribute 0x%04x at byte %d has length %d (%d with padding) but only %d bytes follow",
                        attrType, at, attrLength, padded, b.remaining()));
            }
            byte[] value = new byte[attrLength];
            b.get(value);
            b.position(b.position() + padded - attrLength);
            if (fingerprint >= 0) {
                continue; // nothing may follow FINGERPRINT: ignored
            }
            if (integrity >= 0 && attrType != StunAttribute.FINGERPRINT) {
                continue; // only FINGERPRINT may follow MESSAGE-INTEGRITY: ignored
            }
            validate(attrType, value, at);
            if (attrType == StunAttribute.MESSAGE_INTEGRITY) {
                integrity = at;
            } else if (attrType == StunAttribute.FINGERPRINT) {
                fingerprint = at;
            }
            attributes.add(new StunAttribute(attrType, value));
        }
        return new StunMessage(type, transactionId, attributes, raw, integrity, fingerprint);
    }

    private static void validate(int type, byte[] value, int at) {
        int expected = switch (type) {
            case StunAttribute.MESSAGE_INTEGRITY -> HMAC_SHA1_BYTES;
            case StunAttribute.FINGERPRINT, StunAttribute.PRIORITY -> 4;
            case StunAttribute.USE_CANDIDATE -> 0;
            case StunAttribute.ICE_CONTROLLED, StunAttribute.ICE_CONTROLLING -> 8;
            default -> -1;
        };
        String name = String.format("attribute 0x%04x at byte %d", type, at);
        if (expected >= 0 && value.length != expected) {
            throw new StunFormatException(name + " has " + value.length + " bytes, expected " + expected);
        }
        switch (type) {
            case StunAttribute.USERNAME -> {
                if (value.length > StunAttribute.MAX_USERNAME_BYTES) {
                    throw new StunFormatException("USERNAME of " + value.length + " bytes is longer than 513");
                }
                utf8(value, "USERNAME");
            }
            case StunAttribute.XOR_MAPPED_ADDRESS, StunAttribute.MAPPED_ADDRESS -> {
                int family = value.length >= 2 ? value[1] : -1;
                int want = family == 1 ? 8 : family == 2 ? 20 : -1;
                if (want < 0 || value.length != want) {
                    throw new StunFormatException(name + ": address family " + family + " with "
                            + value.length + " bytes (IPv4 is family 1 in 8 bytes, IPv6 family 2 in 20)");
                }
            }
            case StunAttribute.ERROR_CODE -> {
                if (value.length < 4) {
                    throw new StunFormatException("ERROR-CODE of " + value.length + " bytes is shorter than 4");
                }
                int code = (value[2] & 7) * 100 + (value[3] & 0xFF);
                if ((value[2] & 7) < 3 || (value[2] & 7) > 6 || (value[3] & 0xFF) > 99) {
                    throw new StunFormatException("ERROR-CODE class " + (value[2] & 7) + " number "
                            + (value[3] & 0xFF) + " is not a code from 300 to 699 (" + code + ")");
                }
                utf8(Arrays.copyOfRange(value, 4, value.length), "ERROR-CODE reason");
            }
            default -> {
            }
        }
    }

    private static String utf8(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new StunFormatException(what + " is not valid UTF-8");
        }
    }

    public int type() {
        return type;
    }

    public byte[] transactionId() {
        return transactionId.clone();
    }

    /** The attributes in order, MESSAGE-INTEGRITY and FINGERPRINT included, ignored ones left out. */
    public List<StunAttribute> attributes() {
        return attributes;
    }

    public Optional<StunAttribute> attribute(int attributeType) {
        return attributes.stream().filter(a -> a.type() == attributeType).findFirst();
    }

    /** The comprehension-required attribute types this class does not know: a request carrying any gets a 420. */
    public int[] unknownComprehensionRequired() {
        return attributes.stream().mapToInt(StunAttribute::type)
                .filter(t -> t < 0x8000 && !known(t)).distinct().toArray();
    }

    private static boolean known(int t) {
        return t == StunAttribute.MAPPED_ADDRESS || t == StunAttribute.USERNAME || t == StunAttribute.MESSAGE_INTEGRITY
                || t == StunAttribute.ERROR_CODE || t == StunAttribute.UNKNOWN_ATTRIBUTES
                || t == StunAttribute.XOR_MAPPED_ADDRESS || t == StunAttribute.PRIORITY
                || t == StunAttribute.USE_CANDIDATE || t == StunAttribute.MESSAGE_INTEGRITY_SHA256;
    }

    public Optional<String> username() {
        return attribute(StunAttribute.USERNAME).map(a -> utf8(a.value(), "USERNAME"));
    }

    public OptionalLong priority() {
        return attribute(StunAttribute.PRIORITY).map(a -> OptionalLong.of(ByteBuffer.wrap(a.value()).getInt() & 0xFFFF_FFFFL))
                .orElse(OptionalLong.empty());
    }

    public boolean useCandidate() {
        return attribute(StunAttribute.USE_CANDIDATE).isPresent();
    }

    public OptionalLong iceControlling() {
        return attribute(StunAttribute.ICE_CONTROLLING).map(a -> OptionalLong.of(ByteBuffer.wrap(a.value()).getLong()))
                .orElse(OptionalLong.empty());
    }

    public OptionalLong iceControlled() {
        return attribute(StunAttribute.ICE_CONTROLLED).map(a -> OptionalLong.of(ByteBuffer.wrap(a.value()).getLong()))
                .orElse(OptionalLong.empty());
    }

    public Optional<ErrorCode> errorCode() {
        return attribute(StunAttribute.ERROR_CODE).map(a -> {
            byte[] v = a.value();
            return new ErrorCode((v[2] & 7) * 100 + (v[3] & 0xFF), utf8(Arrays.copyOfRange(v, 4, v.length), "reason"));
        });
    }

    public Optional<InetSocketAddress> xorMappedAddress() {
        return attribute(StunAttribute.XOR_MAPPED_ADDRESS).map(a -> {
            byte[] v = a.value();
            byte[] mask = StunAttribute.xorMask(transactionId);
            int port = (((v[2] & 0xFF) << 8) | (v[3] & 0xFF)) ^ (MAGIC_COOKIE >>> 16);
            byte[] ip = new byte[v.length - 4];
            for (int i = 0; i < ip.length; i++) {
                ip[i] = (byte) (v[4 + i] ^ mask[i]);
            }
            try {
                return new InetSocketAddress(InetAddress.getByAddress(ip), port);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("validated address of " + ip.length + " bytes", e);
            }
        });
    }

    public boolean hasIntegrity() {
        return integrityOffset >= 0;
    }

    public boolean hasFingerprint() {
        return fingerprintOffset >= 0;
    }

    /**
     * Whether MESSAGE-INTEGRITY is present and is the HMAC-SHA1 under {@code key} of the message up
     * to it, with the header's length counting up to the end of MESSAGE-INTEGRITY (RFC 8489 14.5).
     * For ICE's short-term credentials the key is the password's UTF-8 bytes.
     */
    public boolean verifyIntegrity(byte[] key) {
        if (integrityOffset < 0) {
            return false;
        }
        byte[] expected = hmac(key, raw, integrityOffset);
        byte[] actual = Arrays.copyOfRange(raw, integrityOffset + 4, integrityOffset + 4 + HMAC_SHA1_BYTES);
        return MessageDigest.isEqual(expected, actual);
    }

    /** Whether FINGERPRINT is present and is the CRC-32 of the message up to it XOR 0x5354554e. */
    public boolean verifyFingerprint() {
        if (fingerprintOffset < 0) {
            return false;
        }
        int actual = ByteBuffer.wrap(raw, fingerprintOffset + 4, 4).getInt();
        return actual == fingerprint(raw, fingerprintOffset);
    }

    /** HMAC-SHA1 of {@code message[0..end)} with the length field set to end + 24 - 20. */
    private static byte[] hmac(byte[] key, byte[] message, int end) {
        byte[] copy = Arrays.copyOf(message, end);
        int length = end + 4 + HMAC_SHA1_BYTES - HEADER_BYTES;
        copy[2] = (byte) (length >>> 8);
        copy[3] = (byte) length;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            // an empty key is padded to HMAC's 64-byte block of zeros; SecretKeySpec refuses an empty one
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[64] : key, "HmacSHA1"));
            return mac.doFinal(copy);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }

    private static int fingerprint(byte[] message, int end) {
        CRC32 crc = new CRC32();
        crc.update(message, 0, end);
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    /**
     * Writes a message: the header, {@code attributes} padded to 4 bytes with zeros, then
     * MESSAGE-INTEGRITY under {@code integrityKey} when it is not null, then FINGERPRINT when asked.
     */
    public static byte[] write(int type, byte[] transactionId, List<StunAttribute> attributes, byte[] integrityKey,
            boolean fingerprint) {
        return write(type, transactionId, attributes, integrityKey, fingerprint, (byte) 0);
    }

    /** As {@link #write(int, byte[], List, byte[], boolean)} with another padding byte (RFC 8489 lets the sender choose; RFC 5769's vectors use spaces). */
    static byte[] write(int type, byte[] transactionId, List<StunAttribute> attributes, byte[] integrityKey,
            boolean fingerprint, byte padding) {
        if (type < 0 || type > 0x3FFF) {
            throw new IllegalArgumentException(String.format("message type 0x%x is not 14 bits", type));
        }
        if (transactionId.length != TRANSACTION_ID_BYTES) {
            throw new IllegalArgumentException("transaction id of " + transactionId.length + " bytes, expected 12");
        }
        int size = HEADER_BYTES;
        for (StunAttribute a : attributes) {
            size += 4 + ((a.value().length + 3) & ~3);
        }
        int integrityAt = size;
        size += integrityKey != null ? 4 + HMAC_SHA1_BYTES : 0;
        int fingerprintAt = size;
        size += fingerprint ? 8 : 0;
        if (size - HEADER_BYTES > 0xFFFF) {
            throw new IllegalArgumentException("message of " + size + " bytes is too long for STUN");
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putShort((short) type).putShort((short) (size - HEADER_BYTES)).putInt(MAGIC_COOKIE).put(transactionId);
        for (StunAttribute a : attributes) {
            byte[] v = a.value();
            b.putShort((short) a.type()).putShort((short) v.length).put(v);
            for (int i = v.length; (i & 3) != 0; i++) {
                b.put(padding);
            }
        }
        byte[] out = b.array();
        if (integrityKey != null) {
            b.putShort((short) StunAttribute.MESSAGE_INTEGRITY).putShort((short) HMAC_SHA1_BYTES);
            b.put(hmac(integrityKey, out, integrityAt));
        }
        if (fingerprint) {
            b.putShort((short) StunAttribute.FINGERPRINT).putShort((short) 4);
            b.putInt(fingerprint(out, fingerprintAt));
        }
        return out;
    }

    @Override
    public String toString() {
        return String.format("StunMessage[type 0x%04x, %d attributes]", type, attributes.size());
    }
}
