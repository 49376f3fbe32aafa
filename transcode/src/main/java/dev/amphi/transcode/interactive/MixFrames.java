package dev.amphi.transcode.interactive;

import dev.amphi.transcode.audio.AudioMixer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Cuts the program's mixed chunks (one per video frame, e.g. 1600 samples at 30 fps) into the
 * 20 ms frames of the Opus mixes, on the program thread: for every frame, the common mix (the
 * program mix, as the audience hears it) and the mix without each wanted speaker who was heard in
 * any part of that frame. A speaker's mix-minus is the sum of the others' parts
 * ({@link AudioMixer#mixWithout}) through a limiter of its own; where the speaker was not mixed
 * (the frame's start, before it came in, or its end, after it faded out) it is the common mix,
 * which then holds nothing of it either. All mixes are mono: (left + right) / 2.
 */
final class MixFrames {

    /** Samples per Opus frame. */
    static final int N = OpusEncoder.FRAME_SAMPLES;
    private static final double RELEASE = Math.exp(-1.0 / (48_000 * AudioMixer.LIMITER_RELEASE_MILLIS / 1000.0));

    /**
     * One 20 ms frame of every mix.
     *
     * @param index  frame number: it starts at program sample {@code index * 960}
     * @param common the common mix, {@value #N} mono samples
     * @param minus  per speaker heard in this frame and wanted, the mix without that speaker
     */
    record Frame(long index, float[] common, Map<String, float[]> minus) {
    }

    private long nextSample = Long.MIN_VALUE;
    private long index;
    private int filled;
    private float[] common = new float[N];
    private final Map<String, float[]> minus = new HashMap<>();
    private final Map<String, Double> envelopes = new HashMap<>();
    private final Map<String, float[]> chunkMinus = new HashMap<>();
    private float[] stereo = new float[0];
    private float[] chunkCommon = new float[0];

    /** Forgets the frame being filled; the next chunk starts anew (nobody listens). */
    void reset() {
        nextSample = Long.MIN_VALUE;
        minus.clear();
        envelopes.clear();
    }

    /**
     * Adds the chunk the mixer just mixed ({@code mix}: the limited program mix, interleaved
     * stereo) at program sample {@code s0}; {@code out} gets each frame it completes.
     *
     * @param wanted the speakers someone listens as (only their mixes-minus are made)
     */
    void add(AudioMixer mixer, float[] mix, long s0, int count, Set<String> wanted, Consumer<Frame> out) {
        if (s0 != nextSample) { // a start, or a jump in the program's audio: begin at the frame s0 falls in
            index = Math.floorDiv(s0, N);
            filled = (int) (s0 - index * N);
            common = new float[N];
            minus.clear();
            envelopes.clear();
        }
        nextSample = s0 + count;
        if (chunkCommon.length < count) {
            chunkCommon = new float[count];
            stereo = new float[2 * count];
        }
        for (int i = 0; i < count; i++) {
            chunkCommon[i] = 0.5f * (mix[2 * i] + mix[2 * i + 1]);
        }
        List<String> heard = mixer.lastMixed();
        for (String id : chunkMinus.keySet().toArray(new String[0])) {
            if (!heard.contains(id) || !wanted.contains(id)) {
                chunkMinus.remove(id);
                envelopes.remove(id);
            }
        }
        for (String id : heard) {
            if (wanted.contains(id)) {
                float[] m = chunkMinus.get(id);
                if (m == null || m.length < count) {
                    m = new float[count];
                    chunkMinus.put(id, m);
                }
                mixer.mixWithout(id, stereo);
                envelopes.put(id, limitMono(stereo, count, m, envelopes.getOrDefault(id, 0.0)));
            }
        }
        int pos = 0;
        while (pos < count) {
            int take = Math.min(N - filled, count - pos);
            for (var e : chunkMinus.entrySet()) {
                float[] acc = minus.get(e.getKey());
                if (acc == null) { // heard from here on: before, the common mix held nothing of it
                    acc = Arrays.copyOf(common, N);
                    minus.put(e.getKey(), acc);
                }
                System.arraycopy(e.getValue(), pos, acc, filled, take);
            }
            for (var e : minus.entrySet()) {
                if (!chunkMinus.containsKey(e.getKey())) { // faded out earlier in this frame
                    System.arraycopy(chunkCommon, pos, e.getValue(), filled, take);
                }
            }
            System.arraycopy(chunkCommon, pos, common, filled, take);
            filled += take;
            pos += take;
            if (filled == N) {
                out.accept(new Frame(index, common, Map.copyOf(minus)));
                common = new float[N];
                minus.clear();
                index++;
                filled = 0;
            }
        }
    }

    /**
     * Downmixes {@code count} stereo samples to mono into {@code out}, through a peak limiter as
     * the program mix's (instant attack, the same release); returns the limiter's envelope.
     */
    private static double limitMono(float[] stereo, int count, float[] out, double envelope) {
        double env = envelope;
        for (int i = 0; i < count; i++) {
            float x = 0.5f * (stereo[2 * i] + stereo[2 * i + 1]);
            env = Math.max(Math.abs(x), env * RELEASE);
            if (env > AudioMixer.LIMIT) {
                x = (float) Math.max(-AudioMixer.LIMIT, Math.min(AudioMixer.LIMIT, x * AudioMixer.LIMIT / env));
            }
            out[i] = x;
        }
        return env;
    }
}
