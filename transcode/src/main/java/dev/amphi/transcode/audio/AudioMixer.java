package dev.amphi.transcode.audio;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mixes a room's speakers into the program audio, one chunk at a time, on the mixer thread.
 *
 * <p>Every chunk, every speaker is read (so all audio is consumed and metered, mixed or not) and
 * its level measured: mean power over the chunk (both channels), smoothed with a fast attack
 * ({@value #ATTACK_MILLIS} ms) and a slow release ({@value #RELEASE_MILLIS} ms), in dBFS where a
 * full-scale sine reads -3 dBFS and silence {@value #SILENCE_DBFS}. Only the {@code loudest}
 * loudest speakers are mixed, at unity gain: a speaker entering or leaving that set fades in or
 * out with a per-sample linear ramp of {@value #RAMP_MILLIS} ms (no clicks), and a speaker already
 * mixed keeps its place unless another is {@value #HYSTERESIS_DB} dB louder (no flapping between
 * two similar voices). A peak limiter (instant attack, {@value #LIMITER_RELEASE_MILLIS} ms
 * release) keeps the sum within ±{@value #LIMIT}.
 *
 * <p>Confined to the mixer thread except {@link #levelsDbfs()}, which returns an immutable
 * snapshot and may be called from any thread.
 */
public final class AudioMixer {

    /** Speakers mixed at once unless configured otherwise. */
    public static final int DEFAULT_LOUDEST = 3;
    /** Level reported for silence. */
    public static final double SILENCE_DBFS = -120.0;
    /** Length of a full fade in or out. */
    public static final int RAMP_MILLIS = 30;
    /** Level smoothing time constants. */
    public static final int ATTACK_MILLIS = 20;
    public static final int RELEASE_MILLIS = 250;
    /** Advantage of a speaker already mixed when choosing the loudest. */
    public static final double HYSTERESIS_DB = 2.0;
    /** Largest absolute sample value of the output. */
    public static final float LIMIT = 0.95f;
    public static final int LIMITER_RELEASE_MILLIS = 150;

    private static final float GAIN_STEP = 1f / (AudioFormat.SAMPLE_RATE * RAMP_MILLIS / 1000);
    private static final double LIMITER_RELEASE =
            Math.exp(-1.0 / (AudioFormat.SAMPLE_RATE * LIMITER_RELEASE_MILLIS / 1000.0));
    private static final double MIN_POWER = 1e-12;

    private final int loudest;
    private final Map<String, Channel> channels = new HashMap<>();
    private volatile Map<String, Double> levels = Map.of();
    private double limiterEnvelope;
    private volatile Set<String> muted = Set.of();
    /** Mix-minus: keep each mixed speaker's part of the chunk (see {@link #keepParts}); mixer thread. */
    private boolean keepParts;
    private final List<Channel> parted = new ArrayList<>();
    private int partFrames;

    public AudioMixer() {
        this(DEFAULT_LOUDEST);
    }

    /** @param loudest how many speakers are mixed at once, 1..64 */
    public AudioMixer(int loudest) {
        if (loudest < 1 || loudest > 64) {
            throw new IllegalArgumentException("loudest must be within 1..64, was " + loudest);
        }
        this.loudest = loudest;
    }

    public int loudest() {
        return loudest;
    }

    /**
     * The speakers kept out of the mix (a host muted them), from any thread; read at each chunk. A
     * muted speaker is still read and metered, and fades out within the usual fade; unmuted, it
     * competes for a place in the mix again.
     */
    public void muted(Set<String> speakerIds) {
        this.muted = Set.copyOf(speakerIds);
    }

    /**
     * Reads program samples {@code [programSample, programSample + frames)} of every speaker and
     * writes their mix, interleaved stereo, into {@code out[0 .. 2 * frames)}. Speakers missing
     * from {@code speakers} since the last call are forgotten.
     */
    public void mix(List<SpeakerAudio> speakers, long programSample, int frames, float[] out) {
        if (frames <= 0 || out.length < 2 * frames) {
            throw new IllegalArgumentException("cannot mix " + frames + " frames into " + out.length + " floats");
        }
        double chunkSeconds = (double) frames / AudioFormat.SAMPLE_RATE;
        double attack = 1 - Math.exp(-chunkSeconds * 1000 / ATTACK_MILLIS);
        double release = 1 - Math.exp(-chunkSeconds * 1000 / RELEASE_MILLIS);
        Set<String> present = new HashSet<>();
        List<Channel> active = new ArrayList<>(speakers.size());
        for (SpeakerAudio speaker : speakers) {
            String id = speaker.speakerId();
            if (!present.add(id)) {
                throw new IllegalArgumentException("speaker " + id + " is listed twice");
            }
            Channel ch = channels.computeIfAbsent(id, Channel::new);
            if (ch.buffer.length < 2 * frames) {
                ch.buffer = new float[2 * frames];
            }
            // a read without real frames is all zeros: skip the arithmetic (most of a big room is silent)
            ch.silent = speaker.read(programSample, ch.buffer, 0, frames) == 0;
            // silence not decoded because the sender's level said so is metered at that level
            double power = ch.silent ? speaker.hintedPower(programSample, frames) : meanPower(ch.buffer, 2 * frames);
            ch.power += (power > ch.power ? attack : release) * (power - ch.power);
            active.add(ch);
        }
        channels.keySet().retainAll(present);

        choose(active);

        java.util.Arrays.fill(out, 0, 2 * frames, 0f);
        parted.clear();
        partFrames = frames;
        for (Channel ch : active) {
            if (ch.addInto(out, frames, keepParts) && keepParts) {
                parted.add(ch);
            }
        }
        limit(out, frames);

        Map<String, Double> snapshot = new HashMap<>(active.size() * 2);
        for (Channel ch : active) {
            snapshot.put(ch.id, ch.levelDbfs());
        }
        levels = Map.copyOf(snapshot);
    }

    /** Last smoothed level of each speaker of the last {@link #mix} call, dBFS. */
    public Map<String, Double> levelsDbfs() {
        return levels;
    }

    /** Ids of the speakers currently mixed (fading in or at full gain), for metrics and tests. */
    public Set<String> mixed() {
        Set<String> ids = new HashSet<>();
        for (Channel ch : channels.values()) {
            if (ch.target > 0) {
                ids.add(ch.id);
            }
        }
        return Set.copyOf(ids);
    }

    /**
     * Mix-minus support: while on, every {@link #mix} also keeps the part each mixed speaker added
     * to the chunk (its samples at its gain), for {@link #mixWithout}. Off by default (it costs a
     * copy of each mixed speaker's chunk). Mixer thread.
     */
    public void keepParts(boolean keep) {
        this.keepParts = keep;
        if (!keep) {
            parted.clear();
        }
    }

    /**
     * The speakers heard in the last chunk's mix, fading ones included (a speaker not listed added
     * nothing to it). Filled only while {@link #keepParts} is on; mixer thread.
     */
    public List<String> lastMixed() {
        List<String> ids = new ArrayList<>(parted.size());
        for (Channel ch : parted) {
            ids.add(ch.id);
        }
        return ids;
    }

    /**
     * Writes the last chunk's mix without {@code speakerId}'s part into {@code out[0 .. 2 * frames)}
     * (interleaved stereo, the same length as the last {@link #mix}), before the limiter: the caller
     * limits it. Needs {@link #keepParts}; mixer thread.
     */
    public void mixWithout(String speakerId, float[] out) {
        int n = 2 * partFrames;
        if (out.length < n) {
            throw new IllegalArgumentException("cannot write " + partFrames + " frames into " + out.length + " floats");
        }
        java.util.Arrays.fill(out, 0, n, 0f);
        for (Channel ch : parted) {
            if (!ch.id.equals(speakerId)) {
                for (int i = 0; i < n; i++) {
                    out[i] += ch.part[i];
                }
            }
        }
    }

    private void choose(List<Channel> active) {
        Set<String> out = muted;
        List<Channel> ranked = new ArrayList<>(active.size());
        for (Channel ch : active) {
            if (out.contains(ch.id)) {
                ch.target = 0f;
            } else {
                ranked.add(ch);
            }
        }
        ranked.sort((a, b) -> Double.compare(b.rankDb(), a.rankDb()));
        for (int i = 0; i < ranked.size(); i++) {
            Channel ch = ranked.get(i);
            ch.target = i < loudest && ch.levelDbfs() > SILENCE_DBFS ? 1f : 0f;
        }
    }

    private void limit(float[] out, int frames) {
        double env = limiterEnvelope;
        for (int i = 0; i < frames; i++) {
            float l = out[2 * i];
            float r = out[2 * i + 1];
            double peak = Math.max(Math.abs(l), Math.abs(r));
            env = Math.max(peak, env * LIMITER_RELEASE);
            if (env > LIMIT) {
                // clamped too: float rounding of l * g may land a hair above the limit
                float g = (float) (LIMIT / env);
                out[2 * i] = Math.max(-LIMIT, Math.min(LIMIT, l * g));
                out[2 * i + 1] = Math.max(-LIMIT, Math.min(LIMIT, r * g));
            }
        }
        limiterEnvelope = env;
    }

    private static double meanPower(float[] buf, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (double) buf[i] * buf[i];
        }
        return sum / n;
    }

    private static final class Channel {
        final String id;
        float[] buffer = new float[0];
        float[] part = new float[0];
        double power;
        float gain;
        float target;
        boolean silent;

        Channel(String id) {
            this.id = id;
        }

        double levelDbfs() {
            return power > MIN_POWER ? Math.max(SILENCE_DBFS, 10 * Math.log10(power)) : SILENCE_DBFS;
        }

        double rankDb() {
            return levelDbfs() + (target > 0 ? HYSTERESIS_DB : 0);
        }

        /** Adds this speaker at its gain; true if it is in the mix (its part kept when {@code keep}). */
        boolean addInto(float[] out, int frames, boolean keep) {
            if (gain == 0f && target == 0f) {
                return false;
            }
            if (keep && part.length < 2 * frames) {
                part = new float[2 * frames];
            }
            if (silent) {
                float span = frames * GAIN_STEP;
                gain = gain < target ? Math.min(target, gain + span) : Math.max(target, gain - span);
                if (keep) {
                    java.util.Arrays.fill(part, 0, 2 * frames, 0f);
                }
                return true;
            }
            float g = gain;
            for (int i = 0; i < frames; i++) {
                if (g != target) {
                    g = g < target ? Math.min(target, g + GAIN_STEP) : Math.max(target, g - GAIN_STEP);
                }
                float l = g * buffer[2 * i];
                float r = g * buffer[2 * i + 1];
                out[2 * i] += l;
                out[2 * i + 1] += r;
                if (keep) {
                    part[2 * i] = l;
                    part[2 * i + 1] = r;
                }
            }
            gain = g;
            return true;
        }
    }
}
