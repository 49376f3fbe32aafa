package dev.amphi.server;

import dev.amphi.ingest.webrtc.transport.PeerStats;
import java.util.concurrent.atomic.LongAdder;

/** Sums of WebRTC peers' counters (the peers that closed), so that metrics only grow. Thread-safe. */
final class PeerTotals {

    /** The counters summed. */
    enum Total {
        PACKETS_IN, BYTES_IN, PACKETS_OUT, BYTES_OUT, LOST, NACKS_SENT, NACKS_RECEIVED, RETRANSMITS_SENT,
        RETRANSMITS_RECEIVED, PLIS_SENT, KEYFRAME_REQUESTS_RECEIVED, NACKS_SKIPPED
    }

    private final LongAdder[] sums = new LongAdder[Total.values().length];

    PeerTotals() {
        for (int i = 0; i < sums.length; i++) {
            sums[i] = new LongAdder();
        }
    }

    /** One counter of one peer. */
    static long value(PeerStats s, Total which) {
        return switch (which) {
            case PACKETS_IN -> s.packetsIn();
            case BYTES_IN -> s.bytesIn();
            case PACKETS_OUT -> s.packetsOut();
            case BYTES_OUT -> s.bytesOut();
            case LOST -> s.lost();
            case NACKS_SENT -> s.nacksSent();
            case NACKS_RECEIVED -> s.nacksReceived();
            case RETRANSMITS_SENT -> s.retransmitsSent();
            case RETRANSMITS_RECEIVED -> s.retransmitsReceived();
            case PLIS_SENT -> s.plisSent();
            case KEYFRAME_REQUESTS_RECEIVED -> s.keyframeRequestsReceived();
            case NACKS_SKIPPED -> s.nacksSkipped();
        };
    }

    /** Adds a closed peer's final counters. */
    void add(PeerStats s) {
        for (Total t : Total.values()) {
            sums[t.ordinal()].add(value(s, t));
        }
    }

    long get(Total which) {
        return sums[which.ordinal()].sum();
    }
}
