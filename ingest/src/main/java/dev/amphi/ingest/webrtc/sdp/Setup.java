package dev.amphi.ingest.webrtc.sdp;

import java.util.Locale;

/** {@code a=setup} (RFC 8842, RFC 4145): which side opens the DTLS association. */
public enum Setup {
    ACTPASS, ACTIVE, PASSIVE, HOLDCONN;

    /** The attribute value, e.g. {@code passive}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
