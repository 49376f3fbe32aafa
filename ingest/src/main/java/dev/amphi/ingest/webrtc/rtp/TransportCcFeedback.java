package dev.amphi.ingest.webrtc.rtp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01,
 * RTPFB FMT 15): for the packets {@code baseSequence} .. {@code baseSequence + deltas.length - 1}
 * (transport-wide sequence numbers, wrapping at 2^16), whether each arrived and when.
 * {@code referenceTime} (24 bits, unsigned here as receivers in the field treat it) is in multiples
 * of 64 ms; {@code deltas[i]} is packet i's arrival minus the previous received packet's (the
 * reference time for the first) in 250 µs ticks, -32768..32767, or {@link #NOT_RECEIVED}.
 * {@code feedbackCount} (0..255) numbers the feedback packets so the sender notices lost ones.
 *
 * <p>On the wire the statuses are run-length and status vector chunks (one- or two-bit symbols),
 * then one byte per small delta (0..255) or two per large or negative one; {@link #write} picks
 * the chunks, {@link #parse} reads any valid mix.
 */
public record TransportCcFeedback(int senderSsrc, int mediaSsrc, int baseSequence, int referenceTime,
        int feedbackCount, int[] deltas) implements RtcpPacket {

    /** A packet that did not arrive. */
    public static final int NOT_RECEIVED = Integer.MIN_VALUE;
    /** The unit of a receive delta, in microseconds. */
    public static final int DELTA_MICROS = 250;
    /** The unit of the reference time, in microseconds. */
    public static final int REFERENCE_MICROS = 64_000;

    static final int FMT = 15;

    /** A packet's transport-wide sequence number and its arrival time in microseconds. */
    public record Arrival(int sequence, long arrivalMicros) {
        public Arrival {
            if (sequence < 0 || sequence > 0xffff) {
                throw new IllegalArgumentException("transport sequence number " + sequence + " outside 0..65535");
            }
        }
    }

    public TransportCcFeedback {
        if (baseSequence < 0 || baseSequence > 0xffff) {
            throw new IllegalArgumentException("base sequence " + baseSequence + " outside 0..65535");
        }
        if (referenceTime < 0 || referenceTime > 0xffffff) {
            throw new IllegalArgumentException("reference time " + referenceTime + " outside 0..2^24-1");
        }
        if (feedbackCount < 0 || feedbackCount > 255) {
            throw new IllegalArgumentException("feedback packet count " + feedbackCount + " outside 0..255");
        }
        if (deltas.length > 0xffff) {
            throw new IllegalArgumentException(deltas.length + " packet statuses, at most 65535");
        }
        for (int d : deltas) {
            if (d != NOT_RECEIVED && (d < Short.MIN_VALUE || d > Short.MAX_VALUE)) {
                throw new IllegalArgumentException("receive delta " + d + " ticks outside -32768..32767");
            }
        }
        deltas = deltas.clone();
    }

    /**
     * The feedback a receiver sends for {@code arrivals} (in any order; a repeated sequence number
     * keeps its first arrival): the base is the lowest sequence number (wrap-aware), the reference
     * time the first packet's arrival rounded down to 64 ms, deltas rounded to 250 µs without drift.
     * Fails with {@link IllegalArgumentException} when the packets span more than 65535 sequence
     * numbers or a delta does not fit 16 bits (over ~8 s): the receiver then sends several.
     */
    public static TransportCcFeedback build(int senderSsrc, int mediaSsrc, int feedbackCount, List<Arrival> arrivals) {
        if (arrivals.isEmpty()) {
            throw new IllegalArgumentException("transport-cc feedback needs at least one arrival");
        }
        // sorted by unwrapped sequence number, then by position in the list (the first arrival of a repeat wins):
        // each key is the sequence number above the arrival's index (at most 2^20 arrivals, ~8 s at 100k packets/s)
        int n = arrivals.size();
        if (n >= 1 << 20) {
            throw new IllegalArgumentException(n + " arrivals, one feedback takes fewer than 2^20");
        }
        Unwrapper unwrapper = Unwrapper.sequenceNumbers();
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = (unwrapper.unwrap(arrivals.get(i).sequence()) << 20) | i;
        }
        Arrays.sort(keys);
        long first = keys[0] >> 20;
        long span = (keys[n - 1] >> 20) - first + 1;
        if (span > 0xffff) {
            throw new IllegalArgumentException("arrivals span " + span + " sequence numbers, one feedback holds 65535");
        }
        long reference = Math.floorDiv(arrivals.get((int) (keys[0] & 0xfffff)).arrivalMicros(), REFERENCE_MICROS);
        long previous = reference * REFERENCE_MICROS;
        int[] deltas = new int[(int) span];
        Arrays.fill(deltas, NOT_RECEIVED);
        long last = Long.MIN_VALUE;
        for (long k : keys) {
            long seq = k >> 20;
            if (seq == last) {
                continue; // a repeat: its first arrival counted
            }
            last = seq;
            long ticks = Math.floorDiv(arrivals.get((int) (k & 0xfffff)).arrivalMicros() - previous + DELTA_MICROS / 2,
                    DELTA_MICROS);
            if (ticks < Short.MIN_VALUE || ticks > Short.MAX_VALUE) {
                throw new IllegalArgumentException("arrival of packet " + (seq & 0xffff) + " is " + ticks
                        + " ticks of 250 µs from the previous one, more than one feedback can say");
            }
            deltas[(int) (seq - first)] = (int) ticks;
            previous += ticks * DELTA_MICROS;
        }
        return new TransportCcFeedback(senderSsrc, mediaSsrc, (int) (first & 0xffff), (int) (reference & 0xffffff),
                feedbackCount, deltas);
    }

    /** Number of packets the feedback reports on (the packet status count). */
    public int packetStatusCount() {
        return deltas.length;
    }

    /**
     * The received packets with their arrival times in microseconds since the reference time's
     * epoch (reference time × 64 ms plus the deltas), in sequence order.
     */
    public List<Arrival> arrivals() {
        List<Arrival> out = new ArrayList<>();
        long t = (long) referenceTime * REFERENCE_MICROS;
        for (int i = 0; i < deltas.length; i++) {
            if (deltas[i] != NOT_RECEIVED) {
                t += (long) deltas[i] * DELTA_MICROS;
                out.add(new Arrival((baseSequence + i) & 0xffff, t));
            }
        }
        return out;
    }

    @Override
    public int[] deltas() {
        return deltas.clone();
    }

    private static int symbol(int delta) {
        return delta == NOT_RECEIVED ? 0 : delta >= 0 && delta <= 255 ? 1 : 2;
    }

    static TransportCcFeedback parse(ByteReader r) {
        int sender = r.i32("transport-cc sender SSRC");
        int media = r.i32("transport-cc media SSRC");
        int base = r.u16("transport-cc base sequence");
        int count = r.u16("transport-cc packet status count");
        int reference = r.u24("transport-cc reference time");
        int fbCount = r.u8("transport-cc feedback packet count");
        int[] symbols = new int[count];
        int n = 0;
        while (n < count) {
            int chunk = r.u16("transport-cc packet status chunk (" + n + " of " + count + " statuses read)");
            if ((chunk & 0x8000) == 0) {
                int s = (chunk >>> 13) & 0x3;
                checkSymbol(s);
                int run = Math.min(chunk & 0x1fff, count - n);
                Arrays.fill(symbols, n, n + run, s);
                n += run;
            } else if ((chunk & 0x4000) == 0) {
                for (int i = 13; i >= 0 && n < count; i--) {
                    symbols[n++] = (chunk >>> i) & 0x1;
                }
            } else {
                for (int i = 12; i >= 0 && n < count; i -= 2) {
                    int s = (chunk >>> i) & 0x3;
                    checkSymbol(s);
                    symbols[n++] = s;
                }
            }
        }
        int[] deltas = new int[count];
        for (int i = 0; i < count; i++) {
            deltas[i] = switch (symbols[i]) {
                case 0 -> NOT_RECEIVED;
                case 1 -> r.u8("transport-cc small receive delta of packet " + i);
                default -> (short) r.u16("transport-cc large receive delta of packet " + i);
            };
        }
        return new TransportCcFeedback(sender, media, base, reference, fbCount, deltas);
    }

    private static void checkSymbol(int s) {
        if (s == 3) {
            throw new RtpFormatException("transport-cc packet status symbol 3 is reserved");
        }
    }

    /** The packet status chunks {@link #write} uses. */
    int[] chunks() {
        int count = deltas.length;
        int[] out = new int[count + 1];
        int c = 0;
        int i = 0;
        while (i < count) {
            int s = symbol(deltas[i]);
            int run = 1;
            while (i + run < count && run < 0x1fff && symbol(deltas[i + run]) == s) {
                run++;
            }
            boolean largeAhead = false;
            for (int k = i; k < Math.min(count, i + 14); k++) {
                largeAhead |= symbol(deltas[k]) == 2;
            }
            // a uniform tail is one run, as Chromium writes it
            if (run >= 14 || (largeAhead && run >= 7) || i + run == count) {
                out[c++] = s << 13 | run;
                i += run;
            } else if (!largeAhead) {
                int chunk = 0x8000;
                for (int k = 0; k < 14 && i < count; k++, i++) {
                    chunk |= symbol(deltas[i]) << (13 - k);
                }
                out[c++] = chunk;
            } else {
                int chunk = 0xc000;
                for (int k = 0; k < 7 && i < count; k++, i++) {
                    chunk |= symbol(deltas[i]) << (12 - 2 * k);
                }
                out[c++] = chunk;
            }
        }
        return Arrays.copyOf(out, c);
    }

    private int unpadded(int chunkCount) {
        int n = 4 + 8 + 8 + 2 * chunkCount;
        for (int d : deltas) {
            n += symbol(d) == 0 ? 0 : symbol(d);
        }
        return n;
    }

    int length() {
        return (unpadded(chunks().length) + 3) / 4 * 4;
    }

    void write(ByteBuffer out) {
        int[] chunks = chunks();
        int unpadded = unpadded(chunks.length);
        int length = (unpadded + 3) / 4 * 4;
        Rtcp.header(out, FMT, RTPFB, length, length - unpadded);
        out.putInt(senderSsrc).putInt(mediaSsrc).putShort((short) baseSequence).putShort((short) deltas.length);
        out.putInt(referenceTime << 8 | feedbackCount);
        for (int chunk : chunks) {
            out.putShort((short) chunk);
        }
        for (int d : deltas) {
            if (symbol(d) == 1) {
                out.put((byte) d);
            } else if (symbol(d) == 2) {
                out.putShort((short) d);
            }
        }
        Rtcp.padding(out, length - unpadded);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransportCcFeedback f && f.senderSsrc == senderSsrc && f.mediaSsrc == mediaSsrc
                && f.baseSequence == baseSequence && f.referenceTime == referenceTime
                && f.feedbackCount == feedbackCount && Arrays.equals(f.deltas, deltas);
    }

    @Override
    public int hashCode() {
        return (baseSequence * 31 + referenceTime) * 31 + Arrays.hashCode(deltas);
    }

    @Override
    public String toString() {
        return "TransportCcFeedback[sender=" + Integer.toUnsignedString(senderSsrc) + ", media="
                + Integer.toUnsignedString(mediaSsrc) + ", base=" + baseSequence + ", reference=" + referenceTime
                + ", fbCount=" + feedbackCount + ", deltas=" + Arrays.toString(deltas).replace(String.valueOf(NOT_RECEIVED), "-") + "]";
    }
}
