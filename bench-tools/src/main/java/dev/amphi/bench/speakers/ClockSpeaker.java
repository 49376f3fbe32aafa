package dev.amphi.bench.speakers;

import dev.amphi.ingest.webrtc.transport.TestClientLoop;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.OpusConfig;
import dev.amphi.transcode.encode.H264Encoder;
import dev.amphi.transcode.frame.Picture;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A WebRTC speaker that sends the glass-to-glass clock code ({@code bench/g2g/clock-code.js}) live:
 * each frame draws the wall clock of the moment (the clock every page of the machine reads) in the
 * same magenta frame and 8 x 4 cells as the Chromium sender of {@code bench/g2g/speaker.js}, encodes
 * it at once with x264 (Constrained Baseline, {@code tune=zerolatency}, one thread: one packet out per
 * frame in), and sends it over WHIP, with silent Opus beside it (audio level 127). A PLI from the
 * server is answered with an IDR at the next frame, as a browser does.
 *
 * <p>Where a Chromium sender does not fit beside the load (two cores: its congestion control reads
 * a saturated machine's late feedback as a congested path and falls to a few tens of kbit/s), this
 * light sender keeps the clock readable so that the Chromium reader's return latency can be
 * measured. What it adds before the server (draw, encode, packetize, send; no capture, no pacer) is
 * printed as {@code encode_ms} in its {@code CLOCK} lines every 5 s.
 *
 * <pre>java -cp amphi-bench.jar dev.amphi.bench.speakers.ClockSpeaker --http http://127.0.0.1:8080 --room NAME
 *   --key KEY [--name Clock] [--size 320x180] [--fps 30] [--bitrate 300000]</pre>
 */
public final class ClockSpeaker {

    static final int COLS = 8;
    static final double X0 = 0.06;
    static final double X1 = 0.94;
    static final double[] ROW_Y = {0.06, 0.20, 0.66, 0.80};
    static final double ROW_H = 0.14;
    static final int MOD = 1 << 24;
    /** rgb(220,0,220), the frame's magenta, as BT.601 limited-range Y'CbCr. */
    static final int[] MAGENTA = {94, 192, 209};
    /** A 20 ms CELT frame of silence (mono, full band): what the decoder plays as nothing. */
    private static final byte[] OPUS_SILENCE = {(byte) 0xf8, (byte) 0xff, (byte) 0xfe};

    private ClockSpeaker() {
    }

    /** The 8 check bits of a clock value (as {@code check} in clock-code.js). */
    static int check(int v) {
        return ((v & 255) ^ ((v >> 8) & 255) ^ ((v >> 16) & 255) ^ 0x5a) & 255;
    }

    /** The 32 cells of {@code ms}'s code, most significant first: true for a black cell (bit 1). */
    static boolean[] bits(long ms) {
        int v = (int) Math.floorMod(ms, (long) MOD);
        long word = (long) v * 256 + check(v);
        boolean[] out = new boolean[32];
        for (int i = 0; i < 32; i++) {
            out[i] = ((word >>> (31 - i)) & 1) != 0;
        }
        return out;
    }

    /** Draws the code of {@code ms} over the whole of {@code p} (cell edges rounded to even pixels). */
    static void draw(Picture p, long ms) {
        int w = p.width();
        int h = p.height();
        p.fill(MAGENTA[0], MAGENTA[1], MAGENTA[2]);
        boolean[] b = bits(ms);
        double cw = (X1 - X0) * w / COLS;
        for (int i = 0; i < 32; i++) {
            int x0 = even(X0 * w + (i % COLS) * cw);
            int x1 = Math.min(w, even(X0 * w + (i % COLS + 1) * cw));
            int y0 = even(ROW_Y[i / COLS] * h);
            int y1 = Math.min(h, even((ROW_Y[i / COLS] + ROW_H) * h));
            p.fillRect(x0, y0, x1 - x0, y1 - y0, b[i] ? 16 : 235, 128, 128);
        }
    }

    private static int even(double v) {
        return (int) Math.round(v / 2) * 2;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = SpeakerLoad.options(args);
        for (String k : new String[] {"http", "room", "key"}) {
            if (!o.containsKey(k)) {
                throw new IllegalArgumentException("--" + k + " is required");
            }
        }
        String[] size = o.getOrDefault("size", "320x180").split("x");
        int width = Integer.parseInt(size[0]);
        int height = Integer.parseInt(size[1]);
        int fps = Integer.parseInt(o.getOrDefault("fps", "30"));
        int bitrate = Integer.parseInt(o.getOrDefault("bitrate", "300000"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        TestClientLoop loop = new TestClientLoop("clock-speaker-rx");
        WhipSpeaker speaker = null;
        for (int attempt = 1; speaker == null; attempt++) {
            try {
                speaker = WhipSpeaker.join(http, o.get("http"), o.get("room"), o.get("key"), o.getOrDefault("name", "Clock"),
                        false, loop);
            } catch (Exception e) {
                if (attempt == 3) {
                    loop.close();
                    throw e;
                }
            }
        }
        WhipSpeaker joined = speaker;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            joined.close();
            loop.close();
        }));
        System.out.println("SENDING " + width + "x" + height + " " + fps + " fps " + bitrate + " bit/s");
        run(joined, width, height, fps, bitrate);
    }

    private static void run(WhipSpeaker speaker, int width, int height, int fps, int bitrate) throws Exception {
        OpusConfig opus = new OpusConfig(2);
        long frameNanos = 1_000_000_000L / fps;
        try (Picture picture = Picture.allocate(width, height);
                H264Encoder encoder = H264Encoder.interactive(width, height, bitrate, "veryfast", fps, 2 * fps)) {
            long start = System.nanoTime();
            long nextPrint = start + 5_000_000_000L;
            long frames = 0;
            long idrs = 0;
            long plis = 0;
            long audioDts = 0;
            long encodeNanosSum = 0;
            long encodeNanosMax = 0;
            long lateMax = 0;
            for (long n = 0; ; n++) {
                long due = start + n * frameNanos;
                long now = System.nanoTime();
                if (now < due) {
                    LockSupport.parkNanos(due - now);
                    now = System.nanoTime();
                } else if (now - due > 1_000_000_000L) { // starved for a second: go on from here, not in a burst
                    long skip = (now - due) / frameNanos;
                    n += skip;
                    due += skip * frameNanos;
                }
                lateMax = Math.max(lateMax, now - due);
                long pts = n * MediaPacket.TIMESCALE / fps;
                picture.makeWritable(); // the encoder may still hold a reference to the last frame's buffers
                draw(picture, System.currentTimeMillis());
                long seen = speaker.plisReceived();
                boolean idr = seen != plis;
                plis = seen;
                idrs += idr ? 1 : 0;
                for (MediaPacket p : encoder.encode(picture, pts, idr)) {
                    speaker.sendVideo(p);
                }
                long took = System.nanoTime() - now;
                encodeNanosSum += took;
                encodeNanosMax = Math.max(encodeNanosMax, took);
                frames++;
                for (; audioDts <= pts; audioDts += MediaPacket.TIMESCALE / 50) {
                    speaker.sendAudio(new MediaPacket(MediaKind.AUDIO, opus, audioDts, 0, true, OPUS_SILENCE), false);
                }
                if (now >= nextPrint) {
                    System.out.printf("CLOCK t=%.3f frames=%d encode_ms_mean=%.2f encode_ms_max=%.2f late_max_ms=%.1f plis=%d idrs=%d"
                                    + " nacks_in=%d rtx_sent=%d%n",
                            System.currentTimeMillis() / 1000.0, frames, encodeNanosSum / 1e6 / frames, encodeNanosMax / 1e6,
                            lateMax / 1e6, plis, idrs, speaker.nacksReceived(), speaker.retransmitted());
                    nextPrint += 5_000_000_000L;
                    encodeNanosMax = 0;
                    lateMax = 0;
                }
            }
        }
    }
}
