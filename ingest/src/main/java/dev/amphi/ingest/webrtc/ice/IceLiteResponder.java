package dev.amphi.ingest.webrtc.ice;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The ICE-lite side of connectivity checks on the shared port (RFC 8445 sections 2.5 and 7.3): it
 * answers Binding requests from browsers and follows their nominations. It has no sockets: a
 * datagram and its source go in, an {@link Outcome} comes out (bytes to send back, and whether
 * the peer's nominated address changed). Thread-safe.
 *
 * <p>Peers are registered by the local ICE ufrag of their SDP answer with its password. A request
 * is answered when its USERNAME is {@code localUfrag:remoteUfrag} of a registered peer, its
 * FINGERPRINT is right and its MESSAGE-INTEGRITY verifies under the local password; the success
 * response carries XOR-MAPPED-ADDRESS of the source, MESSAGE-INTEGRITY and FINGERPRINT. Refusals,
 * following RFC 8489 section 9.1.3 (which RFC 8445 section 7.3 defers to): MESSAGE-INTEGRITY
 * missing → 400, wrong → 401 (neither signed, both fingerprinted); an unknown
 * comprehension-required attribute → 420; a peer that also claims the controlled role → 487 (an
 * ICE-lite agent is always controlled and cannot switch). Dropped without an answer: anything
 * that is not a well-formed Binding request with a valid FINGERPRINT, and a USERNAME whose ufrag
 * is not registered (RFC 8489 would answer 401 there; this port answers nothing to senders who do
 * not know a live ufrag, so it cannot be used to reflect traffic at spoofed sources).
 *
 * <p>A verified request with USE-CANDIDATE and ICE-CONTROLLING nominates its source address: from
 * then on it is where the peer's RTP and DTLS go and are accepted from. A later nomination from
 * another address (the browser moved to another network) moves it.
 */
public final class IceLiteResponder<P> {

    /** What became of one datagram. */
    public enum Action {
        /** A success response to send; the nomination did not change. */
        ANSWERED,
        /** A success response to send, and this source is now the peer's nominated address. */
        NOMINATED,
        /** An error response to send. */
        REFUSED,
        /** Nothing to send. */
        DROPPED
    }

    /**
     * The result of {@link #handle}: the action, the peer it concerns (null when none was found),
     * the bytes to send to {@code replyTo} (null when dropped), the nominated address and the one
     * it replaced for {@link Action#NOMINATED}, and a reason in words.
     */
    public record Outcome<P>(Action action, P peer, byte[] reply, InetSocketAddress replyTo,
            InetSocketAddress nominated, InetSocketAddress previous, String reason) {
        public Outcome {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(reason, "reason");
            if ((reply == null) != (action == Action.DROPPED) || (reply != null && replyTo == null)) {
                throw new IllegalArgumentException(action + " must carry a reply and its address exactly when it sends one");
            }
            if ((nominated == null) == (action == Action.NOMINATED)) {
                throw new IllegalArgumentException("only NOMINATED carries a nominated address");
            }
        }

        static <P> Outcome<P> dropped(P peer, String reason) {
            return new Outcome<>(Action.DROPPED, peer, null, null, null, null, reason);
        }
    }

    private record Registration<P>(String ufrag, byte[] key, P peer, InetSocketAddress[] nominated) {
    }

    private final ConcurrentMap<String, Registration<P>> peers = new ConcurrentHashMap<>();

    /**
     * Registers a peer under the local ufrag and password of its SDP answer.
     *
     * @throws IllegalArgumentException when the ufrag is already registered, or the ufrag or password is not what RFC 8839 allows
     */
    public void register(String localUfrag, String localPassword, P peer) {
        Objects.requireNonNull(peer, "peer");
        if (localUfrag == null || localUfrag.length() < 4 || localUfrag.length() > 256 || localUfrag.contains(":")) {
            throw new IllegalArgumentException("ICE ufrag must have 4 to 256 characters and no ':', got " + localUfrag);
        }
        if (localPassword == null || localPassword.length() < 22 || localPassword.length() > 256) {
            throw new IllegalArgumentException("ICE password must have 22 to 256 characters");
        }
        Registration<P> r = new Registration<>(localUfrag, localPassword.getBytes(StandardCharsets.UTF_8), peer,
                new InetSocketAddress[1]);
        if (peers.putIfAbsent(localUfrag, r) != null) {
            throw new IllegalArgumentException("ICE ufrag " + localUfrag + " is already registered");
        }
    }

    /** Forgets a peer; its checks are dropped from then on. Returns whether it was registered. */
    public boolean unregister(String localUfrag) {
        return peers.remove(localUfrag) != null;
    }

    /** The address the peer registered under {@code localUfrag} last nominated, if any. */
    public Optional<InetSocketAddress> nominated(String localUfrag) {
        Registration<P> r = peers.get(localUfrag);
        if (r == null) {
            return Optional.empty();
        }
        synchronized (r.nominated()) {
            return Optional.ofNullable(r.nominated()[0]);
        }
    }

    /** Handles one datagram the demultiplexer classified as STUN. */
    public Outcome<P> handle(byte[] datagram, InetSocketAddress source) {
        Objects.requireNonNull(source, "source");
        StunMessage request;
        try {
            request = StunMessage.parse(datagram);
        } catch (StunFormatException e) {
            return Outcome.dropped(null, "malformed STUN: " + e.getMessage());
        }
        if (request.type() != StunMessage.BINDING_REQUEST) {
            return Outcome.dropped(null, String.format("not a Binding request (type 0x%04x)", request.type()));
        }
        if (!request.verifyFingerprint()) {
            return Outcome.dropped(null, request.hasFingerprint() ? "wrong FINGERPRINT" : "no FINGERPRINT");
        }
        Optional<String> username = request.username();
        if (username.isEmpty()) {
            return Outcome.dropped(null, "no USERNAME");
        }
        int colon = username.get().indexOf(':');
        String ufrag = colon < 0 ? username.get() : username.get().substring(0, colon);
        Registration<P> r = peers.get(ufrag);
        if (r == null || colon < 0) {
            return Outcome.dropped(null, r == null ? "unknown ufrag " + ufrag : "USERNAME without ':'");
        }
        int[] unknown = request.unknownComprehensionRequired();
        if (unknown.length > 0) {
            return refuse(r, request, source, List.of(StunAttribute.errorCode(420, "Unknown Attribute"),
                    StunAttribute.unknownAttributes(unknown)), "unknown comprehension-required attributes");
        }
        if (!request.hasIntegrity()) {
            return refuse(r, request, source, List.of(StunAttribute.errorCode(400, "Bad Request")), "no MESSAGE-INTEGRITY");
        }
        if (!request.verifyIntegrity(r.key())) {
            return refuse(r, request, source, List.of(StunAttribute.errorCode(401, "Unauthorized")), "wrong MESSAGE-INTEGRITY");
        }
        if (request.iceControlled().isPresent()) {
            return refuse(r, request, source, List.of(StunAttribute.errorCode(487, "Role Conflict")),
                    "the peer claims the controlled role too");
        }
        byte[] reply = StunMessage.write(StunMessage.BINDING_SUCCESS, request.transactionId(),
                List.of(StunAttribute.xorMappedAddress(source, request.transactionId())), r.key(), true);
        if (request.useCandidate() && request.iceControlling().isPresent()) {
            InetSocketAddress previous;
            synchronized (r.nominated()) {
                previous = r.nominated()[0];
                r.nominated()[0] = source;
            }
            if (!source.equals(previous)) {
                return new Outcome<>(Action.NOMINATED, r.peer(), reply, source, source, previous,
                        previous == null ? "nominated" : "nomination moved from " + previous);
            }
        }
        return new Outcome<>(Action.ANSWERED, r.peer(), reply, source, null, null, "answered");
    }

    private Outcome<P> refuse(Registration<P> r, StunMessage request, InetSocketAddress source,
            List<StunAttribute> attributes, String reason) {
        byte[] reply = StunMessage.write(StunMessage.BINDING_ERROR, request.transactionId(), attributes, null, true);
        return new Outcome<>(Action.REFUSED, r.peer(), reply, source, null, null, reason);
    }
}
