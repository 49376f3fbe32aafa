package dev.amphi.ingest.webrtc.sdp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The entry points: parse an offer, answer it.
 *
 * <pre>{@code
 * SessionDescription offer = Sdp.parse(body);              // SdpException → 400 with its message
 * Answer answer = Sdp.answer(offer, serverParameters);     // SdpException → 400 with its message
 * }</pre>
 */
public final class Sdp {

    private Sdp() {
    }

    /** Parses {@code text} within {@link SdpLimits#DEFAULTS}. */
    public static SessionDescription parse(String text) {
        return parse(text, SdpLimits.DEFAULTS);
    }

    /**
     * Parses a session description: lines end in CRLF or LF; v=, o=, s= and t= are required and
     * checked, media sections and the attributes Amphi uses are checked and interpreted, other
     * attributes kept as {@link Attribute}s.
     *
     * @throws SdpException naming the line and the rule when the text is malformed or over a limit
     */
    public static SessionDescription parse(String text, SdpLimits limits) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(limits, "limits");
        return new SdpParser(limits).parse(text);
    }

    /**
     * Parses a request body: refused before decoding when it is longer than {@code limits.maxChars()}
     * bytes, or when it is not valid UTF-8; then as {@link #parse(String, SdpLimits)}.
     *
     * @throws SdpException when the body is too long, not UTF-8, malformed or over a limit
     */
    public static SessionDescription parse(byte[] body, SdpLimits limits) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(limits, "limits");
        if (body.length > limits.maxChars()) {
            throw new SdpException(0, "the description is " + body.length + " bytes long; the limit is "
                    + limits.maxChars());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new SdpException(0, "the description is not valid UTF-8");
        }
        return parse(text, limits);
    }

    /**
     * Answers {@code offer}: each audio section gets Opus, each video section H.264
     * (packetization-mode=1) or VP8, on the server's one ICE-lite UDP port, bundled, with the
     * server as DTLS server; a section that cannot be accepted is rejected (port 0).
     *
     * @throws SdpException when no section can be accepted (the message says why for each) or the
     *                      offer cannot work at all (no media, ICE-lite)
     */
    public static Answer answer(SessionDescription offer, ServerParameters server) {
        Objects.requireNonNull(offer, "offer");
        Objects.requireNonNull(server, "server");
        return Answerer.answer(offer, server);
    }
}
