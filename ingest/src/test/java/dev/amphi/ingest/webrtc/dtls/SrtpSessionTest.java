package dev.amphi.ingest.webrtc.dtls;

import static dev.amphi.ingest.webrtc.dtls.DtlsSrtpInMemoryTest.rtcp;
import static dev.amphi.ingest.webrtc.dtls.DtlsSrtpInMemoryTest.rtp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** SRTP/SRTCP without DTLS: libsrtp's reference packets, RFC 3711's key derivation vector, rollover, replay window, limits. */
class SrtpSessionTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] MASTER_KEY = HEX.parseHex("e1f97a0d3e018be0d64fa32c06de4139");
    private static final byte[] MASTER_SALT = HEX.parseHex("0ec675ad498afeebb6960b3aabe6");

    @Test
    void keyDerivationMatchesRfc3711AppendixB3() {
        assertThat(HEX.formatHex(SrtpKdf.derive(MASTER_KEY, MASTER_SALT, SrtpKdf.SRTP_ENCRYPTION, 16)))
                .isEqualTo("c61e7a93744f39ee10734afe3ff7a087");
        assertThat(HEX.formatHex(SrtpKdf.derive(MASTER_KEY, MASTER_SALT, SrtpKdf.SRTP_SALT, 14)))
                .isEqualTo("30cbbc08863d8c85d49db34a9ae1");
        assertThat(HEX.formatHex(SrtpKdf.derive(MASTER_KEY, MASTER_SALT, SrtpKdf.SRTP_AUTHENTICATION, 20)))
                .isEqualTo("cebe321f6ff7716b6fd4ab49af256a156d38baa4");
    }

    /** libsrtp's reference packet for AES_CM_128_HMAC_SHA1_80 under the same master key and salt. */
    @Test
    void protectsLibsrtpsReferencePacket() {
        SrtpKeys keys = new SrtpKeys(SrtpProfile.AES128_CM_HMAC_SHA1_80, MASTER_KEY, MASTER_SALT, MASTER_KEY, MASTER_SALT);
        SrtpSession sender = SrtpSession.create(keys, true);
        byte[] plain = HEX.parseHex("800f1234decafbadcafebabeabababababababababababababababab");
        byte[] expected = HEX.parseHex("800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb");

        assertThat(HEX.formatHex(sender.protectRtp(plain, 0, plain.length))).isEqualTo(HEX.formatHex(expected));
        assertThat(SrtpSession.create(keys, false).unprotectRtp(expected, 0, expected.length)).isEqualTo(plain);
    }

    @Test
    void protectsLibsrtpsReferenceRtcpPacket() {
        SrtpKeys keys = new SrtpKeys(SrtpProfile.AES128_CM_HMAC_SHA1_80, MASTER_KEY, MASTER_SALT, MASTER_KEY, MASTER_SALT);
        byte[] plain = HEX.parseHex("81c8000bcafebabeabababababababababababababababab");
        byte[] expected = HEX.parseHex("81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798");

        assertThat(HEX.formatHex(SrtpSession.create(keys, true).protectRtcp(plain, 0, plain.length)))
                .isEqualTo(HEX.formatHex(expected));
        assertThat(SrtpSession.create(keys, false).unprotectRtcp(expected, 0, expected.length)).isEqualTo(plain);
    }

    /** libsrtp's reference packets for AEAD_AES_128_GCM (RFC 7714 IV and AAD layout). */
    @Test
    void protectsLibsrtpsGcmReferencePackets() {
        byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
        byte[] salt = HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aaab");
        SrtpKeys keys = new SrtpKeys(SrtpProfile.AEAD_AES_128_GCM, key, salt, key, salt);
        SrtpSession sender = SrtpSession.create(keys, true);
        SrtpSession receiver = SrtpSession.create(keys, false);
        byte[] rtp = HEX.parseHex("800f1234decafbadcafebabeabababababababababababababababab");
        byte[] srtp = HEX.parseHex("800f1234decafbadcafebabe"
                + "c5002ede04cfdd2eb91159e0880aa06ed2976826f796b201df3131a127e8a392");
        byte[] rtcp = HEX.parseHex("81c8000bcafebabeabababababababababababababababab");
        byte[] srtcp = HEX.parseHex("81c8000bcafebabe"
                + "c98b8b5df0392a55852b6c21ac8e7025c52c6fbea2b3b446ea31123ba88ce61e80000001");

        assertThat(HEX.formatHex(sender.protectRtp(rtp, 0, rtp.length))).isEqualTo(HEX.formatHex(srtp));
        assertThat(HEX.formatHex(sender.protectRtcp(rtcp, 0, rtcp.length))).isEqualTo(HEX.formatHex(srtcp));
        assertThat(receiver.unprotectRtp(srtp, 0, srtp.length)).isEqualTo(rtp);
        assertThat(receiver.unprotectRtcp(srtcp, 0, srtcp.length)).isEqualTo(rtcp);
    }

    private static SrtpSession[] pair(SrtpProfile profile) {
        Random random = new Random(profile.ordinal());
        byte[] material = new byte[profile.keyingMaterialLength()];
        random.nextBytes(material);
        SrtpKeys keys = SrtpKeys.fromKeyingMaterial(profile, material);
        return new SrtpSession[] {SrtpSession.create(keys, true), SrtpSession.create(keys, false)};
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void aSecondSenderWithTheSameKeysIsReadByTheSamePeer(SrtpProfile profile) {
        SrtpSession[] p = pair(profile);
        SrtpSession second = p[0].withOwnSender(); // e.g. an event loop's RTCP and RTX beside a media thread's RTP
        for (int i = 0; i < 5; i++) {
            byte[] media = rtp(100 + i, 7, 60);
            byte[] rtx = rtp(900 + i, 8, 62);
            byte[] report = rtcp(7);
            byte[] a = p[0].protectRtp(media, 0, media.length);
            byte[] b = second.protectRtp(rtx, 0, rtx.length);
            byte[] c = second.protectRtcp(report, 0, report.length);
            assertThat(p[1].unprotectRtp(a, 0, a.length)).isEqualTo(media);
            assertThat(p[1].unprotectRtp(b, 0, b.length)).isEqualTo(rtx);
            assertThat(p[1].unprotectRtcp(c, 0, c.length)).isEqualTo(report);
        }
        assertThat(p[1].stats()).isEqualTo(new SrtpSession.Stats(0, 0, 0, 0));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void sequenceNumbersWrapIntoTheNextRolloverCounter(SrtpProfile profile) {
        SrtpSession[] p = pair(profile);
        byte[][] sent = new byte[20][];
        for (int i = 0; i < sent.length; i++) {
            byte[] packet = rtp((65_530 + i) & 0xFFFF, 7, 40);
            sent[i] = p[0].protectRtp(packet, 0, packet.length);
        }
        // delivered out of order around the wrap
        int[] order = {0, 2, 1, 3, 4, 5, 7, 6, 8, 9, 10, 12, 11, 13, 14, 15, 16, 17, 19, 18};
        for (int i : order) {
            assertThat(p[1].unprotectRtp(sent[i], 0, sent[i].length)).as("packet %d", i)
                    .isEqualTo(rtp((65_530 + i) & 0xFFFF, 7, 40));
        }
        assertThat(p[1].stats()).isEqualTo(new SrtpSession.Stats(0, 0, 0, 0));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void latePacketsInsideTheWindowAreAcceptedOnceAndOlderOnesRefused(SrtpProfile profile) {
        SrtpSession[] p = pair(profile);
        byte[][] sent = new byte[300][];
        for (int i = 0; i < sent.length; i++) {
            byte[] packet = rtp(i, 7, 20);
            sent[i] = p[0].protectRtp(packet, 0, packet.length);
        }
        assertThat(p[1].unprotectRtp(sent[299], 0, sent[299].length)).isNotNull();
        assertThat(p[1].unprotectRtp(sent[299 - 127], 0, sent[0].length)).as("127 behind").isNotNull();
        assertThat(p[1].unprotectRtp(sent[299 - 127], 0, sent[0].length)).as("again").isNull();
        assertThat(p[1].unprotectRtp(sent[299 - 128], 0, sent[0].length)).as("128 behind").isNull();
        assertThat(p[1].unprotectRtp(sent[10], 0, sent[0].length)).isNull();
        assertThat(p[1].stats().replays()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void garbageIsCountedAsMalformedAndNothingIsThrown(SrtpProfile profile) {
        SrtpSession receiver = pair(profile)[1];
        Random random = new Random(3);
        for (int i = 0; i < 1000; i++) {
            byte[] junk = new byte[random.nextInt(80)];
            random.nextBytes(junk);
            assertThat(receiver.unprotectRtp(junk, 0, junk.length)).isNull();
            assertThat(receiver.unprotectRtcp(junk, 0, junk.length)).isNull();
        }
        SrtpSession.Stats stats = receiver.stats();
        assertThat(stats.authFailures() + stats.malformed() + stats.replays()).isEqualTo(2000);
        assertThat(stats.malformed()).isPositive();
        assertThat(stats.authFailures()).isPositive();
    }

    @Test
    void newStreamsBeyondTheLimitAreRefused() {
        SrtpKeys keys = SrtpKeys.fromKeyingMaterial(SrtpProfile.AEAD_AES_128_GCM, new byte[56]);
        SrtpSession sender = SrtpSession.create(keys, true, 8);
        SrtpSession receiver = SrtpSession.create(keys, false, 4);
        for (int ssrc = 1; ssrc <= 6; ssrc++) {
            byte[] srtp = sender.protectRtp(rtp(1, ssrc, 10), 0, 22);
            assertThat(receiver.unprotectRtp(srtp, 0, srtp.length) != null).as("ssrc %d", ssrc).isEqualTo(ssrc <= 4);
        }
        assertThat(receiver.stats().tooManyStreams()).isEqualTo(2);
        assertThatThrownBy(() -> {
            for (int ssrc = 100; ssrc < 110; ssrc++) {
                sender.protectRtp(rtp(1, ssrc, 10), 0, 22);
            }
        }).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unencryptedSrtcpIsRefused() {
        SrtpSession[] p = pair(SrtpProfile.AES128_CM_HMAC_SHA1_80);
        byte[] srtcp = p[0].protectRtcp(rtcp(5), 0, 32);
        srtcp[32] &= 0x7F; // clear the E flag
        assertThat(p[1].unprotectRtcp(srtcp, 0, srtcp.length)).isNull();
        assertThat(p[1].stats().malformed()).isEqualTo(1);
    }

    @Test
    void keysAreCheckedAndNeverPrinted() {
        assertThatThrownBy(() -> SrtpKeys.fromKeyingMaterial(SrtpProfile.AES128_CM_HMAC_SHA1_80, new byte[56]))
                .hasMessageContaining("needs 60 bytes");
        SrtpKeys keys = SrtpKeys.fromKeyingMaterial(SrtpProfile.AES128_CM_HMAC_SHA1_80, new byte[60]);
        assertThat(keys.toString()).isEqualTo("SrtpKeys[AES128_CM_HMAC_SHA1_80]");
    }
}
