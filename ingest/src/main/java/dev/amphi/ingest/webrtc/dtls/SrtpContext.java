package dev.amphi.ingest.webrtc.dtls;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direction of SRTP and SRTCP under one master key (RFC 3711; RFC 7714 for GCM): session
 * keys, per-SSRC rollover counters, SRTCP indexes and replay windows. Not thread-safe: one thread
 * per direction. Failures are returned as {@link Outcome}s, never thrown, so a flood of bad
 * packets costs a counter, not a stack trace each.
 */
final class SrtpContext {

    enum Outcome { OK, MALFORMED, AUTH_FAILED, REPLAYED, TOO_MANY_STREAMS }

    private static final int RTCP_HEADER = 8;
    private static final int SRTCP_INDEX = 4;
    private static final int E_FLAG = 0x8000_0000;

    private final SrtpProfile profile;
    private final int maxStreams;
    private final SecretKeySpec rtpKey;
    private final byte[] rtpSalt;
    private final SecretKeySpec rtcpKey;
    private final byte[] rtcpSalt;
    private final Cipher cipher;
    private final Mac rtpMac;
    private final Mac rtcpMac;
    private final Map<Integer, Stream> rtpStreams = new HashMap<>();
    private final Map<Integer, Stream> rtcpStreams = new HashMap<>();

    /** Per-SSRC state: RTP rollover counter and highest sequence, or the SRTCP index; replay window. */
    private static final class Stream {
        long roc;
        int highestSeq = -1;
        long nextRtcpIndex = 1; // libsrtp (browsers) start at 1 too
        final ReplayWindow window = new ReplayWindow();
    }

    SrtpContext(SrtpProfile profile, byte[] masterKey, byte[] masterSalt, int maxStreams) {
        this.profile = profile;
        this.maxStreams = maxStreams;
        int keyLength = profile.keyLength();
        int saltLength = profile.saltLength();
        rtpKey = new SecretKeySpec(SrtpKdf.derive(masterKey, masterSalt, SrtpKdf.SRTP_ENCRYPTION, keyLength), "AES");
        rtpSalt = SrtpKdf.derive(masterKey, masterSalt, SrtpKdf.SRTP_SALT, saltLength);
        rtcpKey = new SecretKeySpec(SrtpKdf.derive(masterKey, masterSalt, SrtpKdf.SRTCP_ENCRYPTION, keyLength), "AES");
        rtcpSalt = SrtpKdf.derive(masterKey, masterSalt, SrtpKdf.SRTCP_SALT, saltLength);
        try {
            if (profile.aead()) {
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
                rtpMac = null;
                rtcpMac = null;
            } else {
                cipher = Cipher.getInstance("AES/CTR/NoPadding");
                rtpMac = Mac.getInstance("HmacSHA1");
                rtpMac.init(new SecretKeySpec(SrtpKdf.derive(masterKey, masterSalt,
                        SrtpKdf.SRTP_AUTHENTICATION, profile.authKeyLength()), "HmacSHA1"));
                rtcpMac = Mac.getInstance("HmacSHA1");
                rtcpMac.init(new SecretKeySpec(SrtpKdf.derive(masterKey, masterSalt,
                        SrtpKdf.SRTCP_AUTHENTICATION, profile.authKeyLength()), "HmacSHA1"));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM lacks a cipher SRTP needs: " + e.getMessage(), e);
        }
    }

    /** Length of the RTP header (fixed part, CSRCs, extension), or -1 when the packet is not RTP. */
    static int rtpHeaderLength(byte[] p, int off, int len) {
        if (len < 12 || (p[off] & 0xC0) != 0x80) {
            return -1;
        }
        int header = 12 + 4 * (p[off] & 0x0F);
        if ((p[off] & 0x10) != 0) {
            if (len < header + 4) {
                return -1;
            }
            header += 4 + 4 * (((p[off + header + 2] & 0xFF) << 8) | (p[off + header + 3] & 0xFF));
        }
        return header <= len ? header : -1;
    }

    /** Protects an RTP packet; returns the SRTP packet, or null when it is not RTP or has too many streams. */
    byte[] protectRtp(byte[] p, int off, int len) {
        int header = rtpHeaderLength(p, off, len);
        if (header < 0) {
            return null;
        }
        int ssrc = readInt(p, off + 8);
        int seq = ((p[off + 2] & 0xFF) << 8) | (p[off + 3] & 0xFF);
        Stream s = stream(rtpStreams, ssrc);
        if (s == null) {
            return null;
        }
        long roc = Math.max(0, estimateRoc(s, seq));
        long index = (roc << 16) | seq;
        if (s.highestSeq < 0 || index > ((s.roc << 16) | s.highestSeq)) {
            s.roc = roc;
            s.highestSeq = seq;
        }
        byte[] out = new byte[len + profile.tagLength()];
        System.arraycopy(p, off, out, 0, header);
        try {
            if (profile.aead()) {
                cipher.init(Cipher.ENCRYPT_MODE, rtpKey, new GCMParameterSpec(128, gcmRtpIv(ssrc, roc, seq)));
                cipher.updateAAD(p, off, header);
                cipher.doFinal(p, off + header, len - header, out, header);
            } else {
                cipher.init(Cipher.ENCRYPT_MODE, rtpKey, new IvParameterSpec(ctrIv(rtpSalt, ssrc, index)));
                cipher.doFinal(p, off + header, len - header, out, header);
                rtpMac.update(out, 0, len);
                rtpMac.update(intBytes((int) roc));
                System.arraycopy(rtpMac.doFinal(), 0, out, len, profile.tagLength());
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SRTP encryption failed (" + profile + "): " + e.getMessage(), e);
        }
        return out;
    }

    /** Unprotects an SRTP packet into {@code result[0]}. */
    Outcome unprotectRtp(byte[] p, int off, int len, byte[][] result) {
        int tag = profile.tagLength();
        int header = rtpHeaderLength(p, off, len - tag);
        if (header < 0) {
            return Outcome.MALFORMED;
        }
        int ssrc = readInt(p, off + 8);
        int seq = ((p[off + 2] & 0xFF) << 8) | (p[off + 3] & 0xFF);
        Stream known = rtpStreams.get(ssrc);
        Stream s = known != null ? known : new Stream();
        long roc = estimateRoc(s, seq);
        if (roc < 0 || roc > 0xFFFF_FFFFL) {
            return Outcome.REPLAYED;
        }
        long index = (roc << 16) | seq;
        if (s.window.isReplay(index)) {
            return Outcome.REPLAYED;
        }
        if (known == null && rtpStreams.size() >= maxStreams) {
            return Outcome.TOO_MANY_STREAMS;
        }
        int payloadEnd = len - tag;
        byte[] out = new byte[payloadEnd];
        System.arraycopy(p, off, out, 0, header);
        try {
            if (profile.aead()) {
                cipher.init(Cipher.DECRYPT_MODE, rtpKey, new GCMParameterSpec(128, gcmRtpIv(ssrc, roc, seq)));
                cipher.updateAAD(p, off, header);
                cipher.doFinal(p, off + header, len - header, out, header);
            } else {
                rtpMac.update(p, off, payloadEnd);
                rtpMac.update(intBytes((int) roc));
                byte[] mac = rtpMac.doFinal();
                if (!MessageDigest.isEqual(slice(mac, tag), slice(p, off + payloadEnd, tag))) {
                    return Outcome.AUTH_FAILED;
                }
                cipher.init(Cipher.DECRYPT_MODE, rtpKey, new IvParameterSpec(ctrIv(rtpSalt, ssrc, index)));
                cipher.doFinal(p, off + header, payloadEnd - header, out, header);
            }
        } catch (AEADBadTagException e) {
            return Outcome.AUTH_FAILED;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SRTP decryption failed (" + profile + "): " + e.getMessage(), e);
        }
        if (known == null) {
            rtpStreams.put(ssrc, s);
        }
        s.window.accept(index);
        if (s.highestSeq < 0 || index > ((s.roc << 16) | s.highestSeq)) {
            s.roc = roc;
            s.highestSeq = seq;
        }
        result[0] = out;
        return Outcome.OK;
    }

    /** Protects an RTCP compound packet (encrypted, E flag set); null when it is too short or has too many streams. */
    byte[] protectRtcp(byte[] p, int off, int len) {
        if (len < RTCP_HEADER || (p[off] & 0xC0) != 0x80) {
            return null;
        }
        int ssrc = readInt(p, off + 4);
        Stream s = stream(rtcpStreams, ssrc);
        if (s == null) {
            return null;
        }
        long index = s.nextRtcpIndex;
        s.nextRtcpIndex = (index + 1) & 0x7FFF_FFFFL;
        int eIndex = E_FLAG | (int) index;
        int tag = profile.tagLength();
        byte[] out = new byte[len + tag + SRTCP_INDEX];
        System.arraycopy(p, off, out, 0, RTCP_HEADER);
        try {
            if (profile.aead()) {
                cipher.init(Cipher.ENCRYPT_MODE, rtcpKey, new GCMParameterSpec(128, gcmRtcpIv(ssrc, index)));
                cipher.updateAAD(p, off, RTCP_HEADER);
                cipher.updateAAD(intBytes(eIndex));
                cipher.doFinal(p, off + RTCP_HEADER, len - RTCP_HEADER, out, RTCP_HEADER);
                writeInt(out, len + tag, eIndex);
            } else {
                cipher.init(Cipher.ENCRYPT_MODE, rtcpKey, new IvParameterSpec(ctrIv(rtcpSalt, ssrc, index)));
                cipher.doFinal(p, off + RTCP_HEADER, len - RTCP_HEADER, out, RTCP_HEADER);
                writeInt(out, len, eIndex);
                rtcpMac.update(out, 0, len + SRTCP_INDEX);
                System.arraycopy(rtcpMac.doFinal(), 0, out, len + SRTCP_INDEX, tag);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SRTCP encryption failed (" + profile + "): " + e.getMessage(), e);
        }
        return out;
    }

    /** Unprotects an SRTCP packet into {@code result[0]}; unencrypted SRTCP (E flag clear) is refused as malformed. */
    Outcome unprotectRtcp(byte[] p, int off, int len, byte[][] result) {
        int tag = profile.tagLength();
        if (len < RTCP_HEADER + tag + SRTCP_INDEX || (p[off] & 0xC0) != 0x80) {
            return Outcome.MALFORMED;
        }
        int indexAt = profile.aead() ? len - SRTCP_INDEX : len - tag - SRTCP_INDEX;
        int eIndex = readInt(p, off + indexAt);
        if ((eIndex & E_FLAG) == 0) {
            return Outcome.MALFORMED;
        }
        long index = eIndex & 0x7FFF_FFFFL;
        int ssrc = readInt(p, off + 4);
        Stream known = rtcpStreams.get(ssrc);
        Stream s = known != null ? known : new Stream();
        if (s.window.isReplay(index)) {
            return Outcome.REPLAYED;
        }
        if (known == null && rtcpStreams.size() >= maxStreams) {
            return Outcome.TOO_MANY_STREAMS;
        }
        int plainLength = len - tag - SRTCP_INDEX;
        byte[] out = new byte[plainLength];
        System.arraycopy(p, off, out, 0, RTCP_HEADER);
        try {
            if (profile.aead()) {
                cipher.init(Cipher.DECRYPT_MODE, rtcpKey, new GCMParameterSpec(128, gcmRtcpIv(ssrc, index)));
                cipher.updateAAD(p, off, RTCP_HEADER);
                cipher.updateAAD(p, off + indexAt, SRTCP_INDEX);
                cipher.doFinal(p, off + RTCP_HEADER, plainLength - RTCP_HEADER + tag, out, RTCP_HEADER);
            } else {
                rtcpMac.update(p, off, len - tag);
                if (!MessageDigest.isEqual(slice(rtcpMac.doFinal(), tag), slice(p, off + len - tag, tag))) {
                    return Outcome.AUTH_FAILED;
                }
                cipher.init(Cipher.DECRYPT_MODE, rtcpKey, new IvParameterSpec(ctrIv(rtcpSalt, ssrc, index)));
                cipher.doFinal(p, off + RTCP_HEADER, plainLength - RTCP_HEADER, out, RTCP_HEADER);
            }
        } catch (AEADBadTagException e) {
            return Outcome.AUTH_FAILED;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SRTCP decryption failed (" + profile + "): " + e.getMessage(), e);
        }
        if (known == null) {
            rtcpStreams.put(ssrc, s);
        }
        s.window.accept(index);
        result[0] = out;
        return Outcome.OK;
    }

    private Stream stream(Map<Integer, Stream> streams, int ssrc) {
        Stream s = streams.get(ssrc);
        if (s == null && streams.size() < maxStreams) {
            s = new Stream();
            streams.put(ssrc, s);
        }
        return s;
    }

    /** The rollover counter a sequence number most likely belongs to (RFC 3711 appendix A). */
    private static long estimateRoc(Stream s, int seq) {
        if (s.highestSeq < 0) {
            return s.roc;
        }
        if (s.highestSeq < 0x8000) {
            return seq - s.highestSeq > 0x8000 ? s.roc - 1 : s.roc;
        }
        return s.highestSeq - 0x8000 > seq ? s.roc + 1 : s.roc;
    }

    /** AES-CM counter block: (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16). */
    private static byte[] ctrIv(byte[] salt, int ssrc, long index) {
        byte[] iv = new byte[16];
        System.arraycopy(salt, 0, iv, 0, salt.length);
        for (int i = 0; i < 4; i++) {
            iv[4 + i] ^= (byte) (ssrc >>> (24 - 8 * i));
        }
        for (int i = 0; i < 6; i++) {
            iv[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
        return iv;
    }

    /** RFC 7714 section 8.1: 00 00 || SSRC || ROC || SEQ, XOR the session salt. */
    private byte[] gcmRtpIv(int ssrc, long roc, int seq) {
        byte[] iv = new byte[12];
        writeInt(iv, 2, ssrc);
        writeInt(iv, 6, (int) roc);
        iv[10] = (byte) (seq >>> 8);
        iv[11] = (byte) seq;
        return xor(iv, rtpSalt);
    }

    /** RFC 7714 section 9.1: 00 00 || SSRC || 00 00 || 0 + SRTCP index, XOR the session salt. */
    private byte[] gcmRtcpIv(int ssrc, long index) {
        byte[] iv = new byte[12];
        writeInt(iv, 2, ssrc);
        writeInt(iv, 8, (int) index);
        return xor(iv, rtcpSalt);
    }

    private static byte[] xor(byte[] a, byte[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] ^= b[i];
        }
        return a;
    }

    private static byte[] slice(byte[] b, int off, int len) {
        byte[] out = new byte[len];
        System.arraycopy(b, off, out, 0, len);
        return out;
    }

    private static byte[] slice(byte[] b, int len) {
        return slice(b, 0, len);
    }

    static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static byte[] intBytes(int v) {
        byte[] b = new byte[4];
        writeInt(b, 0, v);
        return b;
    }
}
