package dev.amphi.ingest.webrtc.transport;

import dev.amphi.ingest.webrtc.codec.Depacketizer;
import dev.amphi.ingest.webrtc.codec.DepacketizerOutput;
import dev.amphi.ingest.webrtc.codec.ReorderBuffer;
import dev.amphi.ingest.webrtc.codec.RtpPayload;
import dev.amphi.ingest.webrtc.rtp.ReceiveStatistics;
import dev.amphi.ingest.webrtc.rtp.ReportBlock;
import dev.amphi.ingest.webrtc.rtp.SequenceNumbers;
import dev.amphi.ingest.webrtc.sdp.NegotiatedMedia;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * One media SSRC the peer sends: reception statistics for receiver reports, the NACK list of
 * missing sequence numbers (at most {@link #MAX_MISSING}, each asked for at most
 * {@link #MAX_NACK_TRIES} times, at most every {@link #MIN_NACK_RETRY_NANOS}, for at most
 * {@link #MAX_NACK_AGE_NANOS}, within a budget of {@link #NACK_BUDGET_PER_PACKET} requests per packet
 * received), a reorder buffer whose wait is bounded in time, and the depacketizer of its m-line.
 * The peer's event loop only.
 */
final class InboundStream implements DepacketizerOutput {

    static final int MAX_MISSING = 256;
    static final int MAX_NACK_TRIES = 8;
    static final long MAX_NACK_AGE_NANOS = 1_000_000_000L;
    /**
     * A NACK is repeated after 1.5 round trips, and never sooner than this: on a short path the
     * round trip says little about how long the resend waits in queues (ours included), and a
     * request repeated before the resend could arrive only multiplies the traffic of a loss.
     */
    static final long MIN_NACK_RETRY_NANOS = 50_000_000L;
    /**
     * The NACK budget: each packet that arrives (not a resend) earns this many requests, up to
     * {@link #NACK_BURST} saved; each sequence number asked for (the first time or again) spends
     * one. A path that loses a few packets gets every one asked for; when a quarter or more is lost
     * (a saturated link, or this server's own socket overflowing) asking for all of it would add
     * resends to the flood that caused the loss, so the rest is left to the keyframe request that
     * a broken frame makes anyway.
     */
    static final double NACK_BUDGET_PER_PACKET = 0.25;
    static final double NACK_BURST = 64;
    static final long MIN_PLI_INTERVAL_NANOS = 250_000_000L;
    static final long PLI_REPEAT_NANOS = 1_000_000_000L;
    /** A gap held in the reorder buffer for longer than this is given up (video: a frame or two is late anyway). */
    static final long MAX_HOLD_NANOS = 300_000_000L;
    /** Audio levels kept for packets in the reorder buffer (a power of two, more than an audio reorder buffer holds). */
    static final int LEVELS = 64;

    /** What the stream asks of its peer. */
    interface Feedback {
        void nack(InboundStream stream, List<Integer> lost);

        void pli(InboundStream stream);

        void deliver(InboundStream stream, MediaPacket packet, OptionalInt audioLevel);
    }

    private static final class Missing {
        final long since;
        long lastAsked;
        int tries;

        Missing(long since) {
            this.since = since;
        }
    }

    final NegotiatedMedia media;
    final int ssrc;
    final ReceiveStatistics stats;
    private final boolean nackEnabled;
    private final boolean pliEnabled;
    /** The audio-level header extension's id (-1: not negotiated or not audio), looked up once instead of per packet. */
    final int audioLevelId;
    /** The transport-wide sequence number extension's id, -1 when transport-cc feedback is not negotiated. */
    final int transportCcId;
    private final Feedback feedback;
    private final ReorderBuffer reorder;
    private final Depacketizer depacketizer;
    private final Map<Integer, Missing> missing = new LinkedHashMap<>();
    /** The audio level of the packets waiting in the reorder buffer, by sequence number modulo {@link #LEVELS}. */
    private final int[] levelSeq = new int[LEVELS];
    private final byte[] levelOf = new byte[LEVELS];
    private int highest = -1;
    /** No missing packet is due for a NACK or for giving up before this (the timer skips the list until then). */
    private long nextMissingDue;
    private double nackTokens = NACK_BURST;
    /** Sequence numbers not asked for because the budget was spent. */
    long nacksSkipped;
    private long holdSince = -1;
    private long lastPli = Long.MIN_VALUE / 2;
    private int currentLevel = -1;
    private int paddingShift;
    private boolean keyframeAsked;
    /** False while the video is not shown: losses are neither NACKed nor answered with a PLI (see {@link #repair}). */
    private boolean repair = true;
    long retransmitsReceived;

    InboundStream(NegotiatedMedia media, int ssrc, Feedback feedback) {
        this.media = media;
        this.ssrc = ssrc;
        this.feedback = feedback;
        this.stats = new ReceiveStatistics(ssrc, media.clockRate());
        this.nackEnabled = media.rtcpFeedback().contains("nack");
        this.pliEnabled = media.rtcpFeedback().contains("nack pli");
        Integer level = media.kind() == MediaKind.AUDIO ? media.extensionIds().get(PeerMedia.AUDIO_LEVEL_URI) : null;
        this.audioLevelId = level == null ? -1 : level;
        Integer twcc = media.rtcpFeedback().contains("transport-cc") ? media.extensionIds().get(PeerMedia.TRANSPORT_CC_URI) : null;
        this.transportCcId = twcc == null ? -1 : twcc;
        String encoding = media.codec().encoding().toLowerCase(Locale.ROOT);
        this.depacketizer = switch (encoding) {
            case "h264" -> Depacketizer.h264(this);
            case "vp8" -> Depacketizer.vp8(this);
            case "opus" -> Depacketizer.opus(media.codec().channels(), this);
            default -> throw new IllegalArgumentException("no depacketizer for " + media.codec().encoding());
        };
        this.reorder = new ReorderBuffer(media.kind() == MediaKind.VIDEO ? 512 : 8);
    }

    /**
     * One packet of this stream (or its retransmission), in arrival order.
     *
     * @param audioLevel -dBov from the header extension, -1 when none
     */
    void receive(int seq, long timestamp, boolean marker, byte[] payload, int audioLevel, boolean retransmission,
            long now) {
        if (!retransmission) {
            stats.received(seq, timestamp, now);
            nackTokens = Math.min(NACK_BURST, nackTokens + NACK_BUDGET_PER_PACKET);
        }
        if (highest < 0) {
            highest = seq;
        } else {
            int ahead = SequenceNumbers.distance(highest, seq);
            if (ahead > 0) {
                if (nackEnabled && repair && ahead > 1 && ahead <= MAX_MISSING) {
                    List<Integer> fresh = new ArrayList<>();
                    for (int s = (highest + 1) & 0xffff; s != seq; s = (s + 1) & 0xffff) {
                        if (nackTokens < 1) {
                            nacksSkipped++;
                            continue;
                        }
                        nackTokens--;
                        Missing m = new Missing(now);
                        m.lastAsked = now;
                        m.tries = 1;
                        missing.put(s, m);
                        fresh.add(s);
                    }
                    if (!fresh.isEmpty()) {
                        trimMissing();
                        feedback.nack(this, fresh);
                        long due = now + MIN_NACK_RETRY_NANOS;
                        if (missing.size() == fresh.size() || due - nextMissingDue < 0) {
                            nextMissingDue = due;
                        }
                    }
                } else if (ahead > MAX_MISSING) {
                    missing.clear();
                }
                highest = seq;
            } else if (missing.remove(seq) != null && retransmission) {
                retransmitsReceived++;
            }
        }
        if (audioLevel >= 0) {
            levelSeq[seq & (LEVELS - 1)] = seq;
            levelOf[seq & (LEVELS - 1)] = (byte) (audioLevel + 1);
        }
        for (RtpPayload p : reorder.push(new RtpPayload(seq, timestamp, marker, payload))) {
            push(p);
        }
        holdSince = reorder.held() == 0 ? -1 : holdSince < 0 ? now : holdSince;
    }

    /**
     * Hands a packet, in sequence order, to the depacketizer. Padding-only packets (bandwidth
     * probes sent on the media SSRC when RTX is not negotiated) carry no media: they are left out,
     * and the sequence numbers after them shifted down so that the depacketizer sees no gap where
     * there was none; a real loss still shows as a gap.
     */
    private void push(RtpPayload p) {
        int slot = p.sequenceNumber() & (LEVELS - 1);
        int level = levelSeq[slot] == p.sequenceNumber() ? (levelOf[slot] & 0xff) - 1 : -1; // 0: none, else level + 1
        levelOf[slot] = 0;
        if (p.payload().length == 0) {
            paddingShift = (paddingShift + 1) & 0xffff;
            return;
        }
        currentLevel = level;
        depacketizer.push(paddingShift == 0 ? p
                : new RtpPayload((p.sequenceNumber() - paddingShift) & 0xffff, p.timestamp(), p.marker(), p.payload()));
        currentLevel = -1;
    }

    private void trimMissing() {
        Iterator<Integer> it = missing.keySet().iterator();
        while (missing.size() > MAX_MISSING && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    /** The timer: NACK retries, giving up a late gap, PLI repeats while waiting for a keyframe. */
    void tick(long now, long rttNanos) {
        if (!missing.isEmpty() && now - nextMissingDue >= 0) {
            long retryAfter = Math.max(MIN_NACK_RETRY_NANOS, rttNanos * 3 / 2);
            List<Integer> again = new ArrayList<>();
            long due = now + retryAfter;
            Iterator<Map.Entry<Integer, Missing>> it = missing.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<Integer, Missing> e = it.next();
                Missing m = e.getValue();
                if (now - m.since > MAX_NACK_AGE_NANOS || m.tries >= MAX_NACK_TRIES) {
                    it.remove();
                    continue;
                }
                if (now - m.lastAsked >= retryAfter) {
                    m.lastAsked = now;
                    m.tries++;
                    if (nackTokens >= 1) {
                        nackTokens--;
                        again.add(e.getKey());
                    } else {
                        nacksSkipped++;
                    }
                }
                long next = Math.min(m.lastAsked + retryAfter, m.since + MAX_NACK_AGE_NANOS + 1);
                if (next - due < 0) {
                    due = next;
                }
            }
            nextMissingDue = due;
            if (!again.isEmpty()) {
                feedback.nack(this, again);
            }
        }
        if (holdSince >= 0 && now - holdSince > MAX_HOLD_NANOS) {
            for (RtpPayload p : reorder.skipGap()) {
                push(p);
            }
            holdSince = reorder.held() == 0 ? -1 : now;
        }
        // a depacketizer waits for a first keyframe from the start: only a request it made is repeated
        keyframeAsked &= depacketizer.waitingForKeyframe();
        if (keyframeAsked && now - lastPli >= PLI_REPEAT_NANOS) {
            pli(now);
        }
    }

    /** Sends a PLI unless one went out less than 250 ms ago. */
    void pli(long now) {
        if (pliEnabled && media.kind() == MediaKind.VIDEO && now - lastPli >= MIN_PLI_INTERVAL_NANOS) {
            lastPli = now;
            feedback.pli(this);
        }
    }

    ReportBlock reportBlock(long now) {
        return stats.reportBlock(now);
    }

    @Override
    public void onPacket(MediaPacket packet) {
        feedback.deliver(this, packet, currentLevel >= 0 ? OptionalInt.of(currentLevel) : OptionalInt.empty());
    }

    @Override
    public void onKeyframeNeeded(String reason) {
        if (repair) {
            keyframeAsked = true;
            pli(System.nanoTime());
        }
    }

    /**
     * Whether this stream's losses are repaired (its video is shown). Off: the sequence numbers
     * waiting for a retransmission are forgotten and no PLI goes out for a broken picture (the
     * depacketizer still waits for a keyframe); on again: a picture broken meanwhile is asked for.
     */
    void repair(boolean on, long now) {
        if (on == repair) {
            return;
        }
        repair = on;
        if (!on) {
            missing.clear();
            keyframeAsked = false;
        } else if (depacketizer.waitingForKeyframe()) {
            keyframeAsked = true;
            pli(now);
        }
    }
}
