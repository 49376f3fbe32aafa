package dev.amphi.ingest.webrtc.rtp;

/**
 * Reception statistics of one RTP source, kept as RFC 3550 appendix A describes, to fill the report
 * blocks of our receiver reports: sequence number tracking with wrap-around cycles and a restart
 * after a large jump (A.1), expected and lost packets, cumulative and since the previous report
 * (A.3), and the interarrival jitter estimate (A.8, in timestamp units).
 *
 * <p>Arrival times are passed in, in nanoseconds of any monotonic clock (e.g. {@link System#nanoTime()}),
 * so tests give exact times. Jitter is updated by packets that advance the highest sequence number
 * and carry a new timestamp: the packets of one video frame share a timestamp and are paced out by
 * the sender, so their spread is not network jitter (libwebrtc measures it the same way).
 * Not thread-safe: one instance per source, on the thread that receives it.
 */
public final class ReceiveStatistics {

    /** A jump of at most this many sequence numbers ahead is a gap (losses), not a restart. */
    public static final int MAX_DROPOUT = 3000;
    /** A packet at most this many sequence numbers behind is late or duplicate, not a restart. */
    public static final int MAX_MISORDER = 100;
    private static final int SEQ_MOD = 1 << 16;

    private final int ssrc;
    private final int clockRate;
    private final int minSequential;

    private int probation;
    private int maxSeq;
    private long cycles;
    private long baseSeq;
    private int badSeq = SEQ_MOD + 1;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private boolean started;
    private boolean counting;

    private boolean haveTransit;
    private int transit;
    private long jitterQ4; // jitter × 16, the integer form of A.8
    private long lastJitterTimestamp = -1;
    private long firstArrivalNanos;

    private long lastSrCompactNtp;
    private long lastSrArrivalNanos;
    private boolean haveSr;

    /**
     * Statistics of source {@code ssrc} with RTP clock rate {@code clockRate} (Hz). The first packet
     * counts at once: WebRTC sources are announced in SDP, so A.1's probation (waiting for
     * {@code MIN_SEQUENTIAL} = 2 packets in sequence) is left to {@link #withProbation}.
     */
    public ReceiveStatistics(int ssrc, int clockRate) {
        this(ssrc, clockRate, 1);
    }

    private ReceiveStatistics(int ssrc, int clockRate, int minSequential) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate " + clockRate + " Hz is not positive");
        }
        if (minSequential < 1) {
            throw new IllegalArgumentException("probation of " + minSequential + " packets, at least 1 (the packet itself)");
        }
        this.ssrc = ssrc;
        this.clockRate = clockRate;
        this.minSequential = minSequential;
    }

    /**
     * Statistics that count a source only from the {@code minSequential}-th of as many packets in
     * sequence (A.1; 1 counts the first packet at once).
     */
    public static ReceiveStatistics withProbation(int ssrc, int clockRate, int minSequential) {
        return new ReceiveStatistics(ssrc, clockRate, minSequential);
    }

    /**
     * Records a packet: its sequence number (0..65535), RTP timestamp (0..2^32-1) and arrival time.
     * Returns whether it counts as received (false while on probation or for a packet taken as
     * the first of a restart that is not yet confirmed).
     */
    public boolean received(int sequence, long rtpTimestamp, long arrivalNanos) {
        if (sequence < 0 || sequence > 0xffff) {
            throw new IllegalArgumentException("sequence number " + sequence + " outside 0..65535");
        }
        if (!started) {
            started = true;
            firstArrivalNanos = arrivalNanos;
            initSequence(sequence);
            maxSeq = (sequence - 1) & 0xffff;
            probation = minSequential;
        }
        long highestBefore = extendedHighestSequence();
        if (!updateSequence(sequence)) {
            return false;
        }
        counting = true;
        if (extendedHighestSequence() != highestBefore && rtpTimestamp != lastJitterTimestamp) {
            updateJitter(rtpTimestamp, arrivalNanos);
        }
        return true;
    }

    private void initSequence(int seq) {
        baseSeq = seq;
        maxSeq = seq;
        badSeq = SEQ_MOD + 1;
        cycles = 0;
        received = 0;
        receivedPrior = 0;
        expectedPrior = 0;
    }

    /** RFC 3550 A.1 update_seq. */
    private boolean updateSequence(int seq) {
        int udelta = (seq - maxSeq) & 0xffff;
        if (probation > 0) {
            if (seq == ((maxSeq + 1) & 0xffff)) {
                probation--;
                maxSeq = seq;
                if (probation == 0) {
                    initSequence(seq);
                    received++;
                    return true;
                }
            } else {
                probation = minSequential - 1;
                maxSeq = seq;
            }
            return false;
        } else if (udelta < MAX_DROPOUT) {
            if (seq < maxSeq) {
                cycles += SEQ_MOD;
            }
            maxSeq = seq;
        } else if (udelta <= SEQ_MOD - MAX_MISORDER) {
            if (seq == badSeq) {
                initSequence(seq); // two packets in sequence after a jump: the source restarted
            } else {
                badSeq = (seq + 1) & 0xffff;
                return false;
            }
        }
        received++;
        return true;
    }

    /** RFC 3550 A.8, integer form: J += (|D| - J) / 16, kept ×16. */
    private void updateJitter(long rtpTimestamp, long arrivalNanos) {
        long elapsed = arrivalNanos - firstArrivalNanos;
        long arrivalUnits = Math.floorDiv(elapsed, 1_000_000_000L) * clockRate
                + Math.floorMod(elapsed, 1_000_000_000L) * clockRate / 1_000_000_000L;
        int newTransit = (int) (arrivalUnits - rtpTimestamp);
        if (haveTransit) {
            long d = Math.abs((long) (newTransit - transit)); // int difference: transit wraps with the timestamp
            jitterQ4 += d - ((jitterQ4 + 8) >> 4);
        }
        transit = newTransit;
        haveTransit = true;
        lastJitterTimestamp = rtpTimestamp;
    }

    /** Records a sender report from this source: its NTP timestamp and when it arrived. */
    public void senderReport(long ntpTimestamp, long arrivalNanos) {
        lastSrCompactNtp = (ntpTimestamp >>> 16) & 0xffffffffL;
        lastSrArrivalNanos = arrivalNanos;
        haveSr = true;
    }

    public int ssrc() {
        return ssrc;
    }

    /** Packets counted as received (duplicates included, as A.3 counts them). */
    public long receivedCount() {
        return received;
    }

    /** The extended highest sequence number received: cycles × 65536 + highest. */
    public long extendedHighestSequence() {
        return cycles + maxSeq;
    }

    /** Packets expected: from the first counted to the highest received. */
    public long expected() {
        return counting ? extendedHighestSequence() - baseSeq + 1 : 0;
    }

    /** Cumulative packets lost (negative when duplicates outnumber losses). */
    public long lost() {
        return expected() - received;
    }

    /** Interarrival jitter in timestamp units. */
    public long jitter() {
        return jitterQ4 >> 4;
    }

    /**
     * The report block for this source at {@code nowNanos}, and the start of the next report
     * interval (fraction lost counts from here). Cumulative loss is clamped to 24 bits.
     */
    public ReportBlock reportBlock(long nowNanos) {
        long expected = expected();
        long expectedInterval = expected - expectedPrior;
        expectedPrior = expected;
        long receivedInterval = received - receivedPrior;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        int fraction = expectedInterval == 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
        long lost = Math.max(-0x800000, Math.min(0x7fffff, lost()));
        long dlsr = 0;
        if (haveSr) {
            long since = Math.max(0, nowNanos - lastSrArrivalNanos);
            dlsr = Math.min(0xffffffffL, since / 1_000_000_000L * 65536 + since % 1_000_000_000L * 65536 / 1_000_000_000L);
        }
        return new ReportBlock(ssrc, Math.min(fraction, 255), (int) lost, extendedHighestSequence() & 0xffffffffL,
                Math.min(jitter(), 0xffffffffL), haveSr ? lastSrCompactNtp : 0, dlsr);
    }
}
