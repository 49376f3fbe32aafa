package dev.amphi.server;

import dev.amphi.core.room.Room;
import dev.amphi.ingest.webrtc.whip.IceServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What the WHIP routes ask of the WebRTC side: create a session from an offer, end one. Calls
 * come from a Vert.x event loop and return at once.
 */
interface WebRtcSessions {

    /** Whether WebRTC is on (a UDP port is bound). */
    boolean enabled();

    /** STUN/TURN servers to hand to clients. */
    List<IceServer> iceServers();

    /**
     * Answers {@code offer} for {@code room}. The stage fails with a {@link WhipFailure} naming the
     * HTTP status a client should get (400 bad SDP or name, 409 room full or not composited, 503
     * stopping), or with anything else for a 500.
     */
    CompletionStage<Created> offer(Room room, Offer offer);

    /** Ends the session {@code id} of {@code room}; false when there is none. */
    boolean end(String room, String id);

    /**
     * An offer as the WHIP route received it.
     *
     * @param sdp      the SDP offer
     * @param name     the speaker's display name ({@code ?name=}), if given
     * @param listenAs for a receive-only offer, the speaker whose own voice is left out of what
     *                 they hear ({@code ?speaker=}), if given
     * @param remote   the client's address, for logs
     */
    record Offer(byte[] sdp, Optional<String> name, Optional<String> listenAs, InetSocketAddress remote) {
        public Offer {
            Objects.requireNonNull(sdp, "sdp");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(listenAs, "listenAs");
        }
    }

    /** A session made: its id (the last segment of its {@code Location}) and the SDP answer. */
    record Created(String id, String answer) {
        public Created {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(answer, "answer");
        }
    }

    /** A refusal with the HTTP status the client gets; the message is for the client (no secrets). */
    final class WhipFailure extends RuntimeException {
        private final int status;

        WhipFailure(int status, String message) {
            super(message, null, false, false);
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("status must be 4xx or 5xx, was " + status);
            }
            this.status = status;
        }

        int status() {
            return status;
        }
    }
}
