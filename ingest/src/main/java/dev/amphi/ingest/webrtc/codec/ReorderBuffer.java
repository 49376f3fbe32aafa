package dev.amphi.ingest.webrtc.codec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts the packets of one stream back in sequence order before a {@link Depacketizer}. A packet
 * after a gap is held until the missing ones arrive (a retransmission, a reordered packet) or until
 * more than {@code capacity} packets are held; then the buffer gives up on the missing ones and
 * releases what it holds, in order, and the depacketizer sees the gap. A packet more than
 * {@code capacity} ahead releases everything at once (the sender jumped). Late and duplicate
 * packets are dropped; the first packet pushed is where the stream starts. Counts packets, not
 * time: no clock, single-threaded (a caller that must bound the wait in time flushes by pushing
 * on, or asks for a retransmission of what is missing).
 */
public final class ReorderBuffer {

    private final int capacity;
    private final Map<Integer, RtpPayload> held = new HashMap<>();
    private int next = -1;

    /** @param capacity most packets held while waiting for a missing one, 1..1024 */
    public ReorderBuffer(int capacity) {
        if (capacity < 1 || capacity > 1024) {
            throw new IllegalArgumentException("reorder buffer capacity must be 1..1024, was " + capacity);
        }
        this.capacity = capacity;
    }

    /** Adds a packet; returns the packets now ready, in sequence order (possibly none). */
    public List<RtpPayload> push(RtpPayload p) {
        List<RtpPayload> out = new ArrayList<>();
        int seq = p.sequenceNumber();
        if (next < 0) {
            next = seq;
        }
        int ahead = (short) (seq - next);
        if (ahead < 0 || held.containsKey(seq)) {
            return out;
        }
        if (ahead > capacity) {
            while (!held.isEmpty()) {
                skipToOldest();
                drain(out);
            }
            next = seq;
        }
        held.put(seq, p);
        drain(out);
        while (held.size() > capacity) {
            skipToOldest();
            drain(out);
        }
        return out;
    }

    /**
     * Gives up on the packets missing before the oldest one held (a caller bounding the wait in
     * time: their retransmission is too late now) and returns the held packets that are ready,
     * in sequence order; none when nothing is held.
     */
    public List<RtpPayload> skipGap() {
        List<RtpPayload> out = new ArrayList<>();
        if (!held.isEmpty()) {
            skipToOldest();
            drain(out);
        }
        return out;
    }

    /** Packets held now, waiting for a missing one. */
    public int held() {
        return held.size();
    }

    private void drain(List<RtpPayload> out) {
        RtpPayload p;
        while ((p = held.remove(next)) != null) {
            out.add(p);
            next = (next + 1) & 0xffff;
        }
    }

    private void skipToOldest() {
        int best = Integer.MAX_VALUE;
        for (int seq : held.keySet()) {
            best = Math.min(best, (seq - next) & 0xffff);
        }
        next = (next + best) & 0xffff;
    }
}
