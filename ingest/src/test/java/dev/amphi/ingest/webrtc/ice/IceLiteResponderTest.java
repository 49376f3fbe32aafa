package dev.amphi.ingest.webrtc.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.ingest.webrtc.ice.IceLiteResponder.Action;
import dev.amphi.ingest.webrtc.ice.IceLiteResponder.Outcome;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Connectivity checks as a browser (the controlling full agent) sends them, against the ICE-lite responder. */
class IceLiteResponderTest {

    static final String UFRAG = "srv1";
    static final String PWD = "server-password-0123456789";
    static final byte[] KEY = PWD.getBytes(StandardCharsets.UTF_8);
    static final InetSocketAddress WIFI = new InetSocketAddress("192.0.2.10", 50000);
    static final InetSocketAddress LTE = new InetSocketAddress("2001:db8::7", 61000);

    IceLiteResponder<String> responder;

    @BeforeEach
    void setUp() {
        responder = new IceLiteResponder<>();
        responder.register(UFRAG, PWD, "peer-1");
    }

    static byte[] txid() {
        byte[] t = new byte[12];
        ThreadLocalRandom.current().nextBytes(t);
        return t;
    }

    /** A check as Chromium sends it: USERNAME, ICE-CONTROLLING, PRIORITY, maybe USE-CANDIDATE, signed and fingerprinted. */
    static byte[] check(String username, byte[] key, boolean useCandidate, StunAttribute... extra) {
        List<StunAttribute> attrs = new ArrayList<>(List.of(StunAttribute.username(username),
                StunAttribute.iceControlling(0x1234L), StunAttribute.priority(0x6e0001ffL)));
        if (useCandidate) {
            attrs.add(StunAttribute.useCandidate());
        }
        attrs.addAll(List.of(extra));
        return StunMessage.write(StunMessage.BINDING_REQUEST, txid(), attrs, key, true);
    }

    @Test
    void answersAValidCheckWithTheSourceSignedAndFingerprinted() {
        byte[] request = check(UFRAG + ":brws", KEY, false);
        Outcome<String> out = responder.handle(request, WIFI);
        assertThat(out.action()).isEqualTo(Action.ANSWERED);
        assertThat(out.peer()).isEqualTo("peer-1");
        assertThat(out.replyTo()).isEqualTo(WIFI);
        StunMessage reply = StunMessage.parse(out.reply());
        assertThat(reply.type()).isEqualTo(StunMessage.BINDING_SUCCESS);
        assertThat(reply.transactionId()).isEqualTo(StunMessage.parse(request).transactionId());
        assertThat(reply.xorMappedAddress()).contains(WIFI);
        assertThat(reply.verifyIntegrity(KEY)).isTrue();
        assertThat(reply.verifyFingerprint()).isTrue();
        assertThat(responder.nominated(UFRAG)).isEmpty();
    }

    @Test
    void useCandidateNominatesTheSourceAndANewAddressMovesIt() {
        Outcome<String> first = responder.handle(check(UFRAG + ":brws", KEY, true), WIFI);
        assertThat(first.action()).isEqualTo(Action.NOMINATED);
        assertThat(first.nominated()).isEqualTo(WIFI);
        assertThat(first.previous()).isNull();
        assertThat(responder.nominated(UFRAG)).contains(WIFI);

        assertThat(responder.handle(check(UFRAG + ":brws", KEY, true), WIFI).action()).isEqualTo(Action.ANSWERED);

        Outcome<String> moved = responder.handle(check(UFRAG + ":brws", KEY, true), LTE);
        assertThat(moved.action()).isEqualTo(Action.NOMINATED);
        assertThat(moved.nominated()).isEqualTo(LTE);
        assertThat(moved.previous()).isEqualTo(WIFI);
        assertThat(StunMessage.parse(moved.reply()).xorMappedAddress()).contains(LTE);
        assertThat(responder.nominated(UFRAG)).contains(LTE);

        // a plain check from the old network does not take the nomination back
        assertThat(responder.handle(check(UFRAG + ":brws", KEY, false), WIFI).action()).isEqualTo(Action.ANSWERED);
        assertThat(responder.nominated(UFRAG)).contains(LTE);
    }

    @Test
    void useCandidateWithoutTheControllingRoleDoesNotNominate() {
        byte[] request = StunMessage.write(StunMessage.BINDING_REQUEST, txid(), List.of(
                StunAttribute.username(UFRAG + ":brws"), StunAttribute.useCandidate()), KEY, true);
        assertThat(responder.handle(request, WIFI).action()).isEqualTo(Action.ANSWERED);
        assertThat(responder.nominated(UFRAG)).isEmpty();
    }

    @Test
    void wrongPasswordGets401WithoutIntegrity() {
        Outcome<String> out = responder.handle(check(UFRAG + ":brws", "another-password-0123456789".getBytes(StandardCharsets.UTF_8), true), WIFI);
        assertThat(out.action()).isEqualTo(Action.REFUSED);
        StunMessage reply = StunMessage.parse(out.reply());
        assertThat(reply.type()).isEqualTo(StunMessage.BINDING_ERROR);
        assertThat(reply.errorCode()).map(StunMessage.ErrorCode::code).contains(401);
        assertThat(reply.hasIntegrity()).isFalse();
        assertThat(reply.verifyFingerprint()).isTrue();
        assertThat(responder.nominated(UFRAG)).isEmpty();
    }

    @Test
    void refusalsAndDrops() {
        byte[] unsigned = StunMessage.write(StunMessage.BINDING_REQUEST, txid(),
                List.of(StunAttribute.username(UFRAG + ":brws"), StunAttribute.iceControlling(1)), null, true);
        assertThat(errorCode(responder.handle(unsigned, WIFI))).isEqualTo(400);
        assertThat(errorCode(responder.handle(check(UFRAG + ":brws", KEY, false, new StunAttribute(0x7001, new byte[4])), WIFI)))
                .isEqualTo(420);
        byte[] controlled = StunMessage.write(StunMessage.BINDING_REQUEST, txid(),
                List.of(StunAttribute.username(UFRAG + ":brws"), StunAttribute.iceControlled(1)), KEY, true);
        assertThat(errorCode(responder.handle(controlled, WIFI))).isEqualTo(487);

        assertDropped(check("nope:brws", KEY, true), "unknown ufrag nope");
        assertDropped(check(UFRAG, KEY, true), "USERNAME without ':'");
        assertDropped(StunMessage.write(StunMessage.BINDING_REQUEST, txid(),
                List.of(StunAttribute.username(UFRAG + ":brws")), KEY, false), "no FINGERPRINT");
        byte[] badFingerprint = check(UFRAG + ":brws", KEY, true);
        badFingerprint[badFingerprint.length - 1] ^= 1;
        assertDropped(badFingerprint, "wrong FINGERPRINT");
        assertDropped(StunMessage.write(StunMessage.BINDING_INDICATION, txid(), List.of(), null, true), "not a Binding request");
        assertDropped(StunMessageTest.RESPONSE_V4, "not a Binding request");
        assertDropped(new byte[] {0, 1, 0}, "malformed STUN");
        assertThat(responder.nominated(UFRAG)).isEmpty();
    }

    @Test
    void registryRefusesDuplicatesAndForgets() {
        assertThatThrownBy(() -> responder.register(UFRAG, PWD, "peer-2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered");
        assertThatThrownBy(() -> responder.register("ab", PWD, "peer-2")).hasMessageContaining("4 to 256");
        assertThatThrownBy(() -> responder.register("abcd", "short", "peer-2")).hasMessageContaining("22 to 256");
        responder.register("srv2", PWD + "x", "peer-2");
        assertThat(responder.handle(check("srv2:brws", (PWD + "x").getBytes(StandardCharsets.UTF_8), false), WIFI).peer())
                .isEqualTo("peer-2");
        assertThat(responder.unregister(UFRAG)).isTrue();
        assertDropped(check(UFRAG + ":brws", KEY, true), "unknown ufrag");
        assertThat(responder.unregister(UFRAG)).isFalse();
    }

    private int errorCode(Outcome<String> out) {
        assertThat(out.action()).isEqualTo(Action.REFUSED);
        assertThat(out.replyTo()).isEqualTo(WIFI);
        return StunMessage.parse(out.reply()).errorCode().orElseThrow().code();
    }

    private void assertDropped(byte[] datagram, String reason) {
        Outcome<String> out = responder.handle(datagram, WIFI);
        assertThat(out.action()).isEqualTo(Action.DROPPED);
        assertThat(out.reply()).isNull();
        assertThat(out.reason()).contains(reason);
    }
}
