package dev.amphi.transcode.audio;

import dev.amphi.media.MediaPacket;
import java.util.Map;
import java.util.Optional;

/**
 * Decides who the active speaker is from the mixer's smoothed levels. A speaker becomes active
 * only after being, for {@code holdTicks} without interruption, the loudest speaker above
 * {@code thresholdDbfs} and at least {@link #MARGIN_DB} dB louder than the current active speaker.
 * The active speaker stays active through silence and through others' short bursts; it is
 * forgotten only when it is no longer in the level map (it left the room).
 *
 * <p>Pure Java, no clock of its own: time is the program pts passed to {@link #update}. Confined
 * to one thread (the mixer's).
 */
public final class ActiveSpeakerDetector {

    /** Default hold: one second. */
    public static final long DEFAULT_HOLD_TICKS = MediaPacket.TIMESCALE;
    /** Default threshold: quieter than this is not speech. */
    public static final double DEFAULT_THRESHOLD_DBFS = -45.0;
    /** How much louder than the active speaker a candidate must be. */
    public static final double MARGIN_DB = 3.0;

    private final long holdTicks;
    private final double thresholdDbfs;
    private String active;
    private String candidate;
    private long candidateSince;

    public ActiveSpeakerDetector() {
        this(DEFAULT_HOLD_TICKS, DEFAULT_THRESHOLD_DBFS);
    }

    /**
     * @param holdTicks     how long (90 kHz ticks, 0..600 s) a candidate must lead before it
     *                      becomes active
     * @param thresholdDbfs level below which a speaker does not count as speaking, within -120..0
     */
    public ActiveSpeakerDetector(long holdTicks, double thresholdDbfs) {
        if (holdTicks < 0 || holdTicks > 600L * MediaPacket.TIMESCALE) {
            throw new IllegalArgumentException("holdTicks must be within 0..600 s of 90 kHz ticks, was " + holdTicks);
        }
        if (!(thresholdDbfs >= AudioMixer.SILENCE_DBFS && thresholdDbfs <= 0)) {
            throw new IllegalArgumentException("thresholdDbfs must be within -120..0, was " + thresholdDbfs);
        }
        this.holdTicks = holdTicks;
        this.thresholdDbfs = thresholdDbfs;
    }

    /**
     * Feeds the levels measured at {@code programPts} (non-decreasing between calls).
     *
     * @return the active speaker after this update, empty until someone has spoken
     */
    public Optional<String> update(Map<String, Double> levels, long programPts) {
        if (active != null && !levels.containsKey(active)) {
            active = null;
        }
        String loudest = null;
        double loudestDb = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, Double> e : levels.entrySet()) {
            double db = e.getValue();
            if (db > loudestDb || (db == loudestDb && loudest != null && e.getKey().compareTo(loudest) < 0)) {
                loudest = e.getKey();
                loudestDb = db;
            }
        }
        boolean qualifies = loudest != null && loudestDb >= thresholdDbfs && !loudest.equals(active)
                && (active == null || loudestDb >= levels.get(active) + MARGIN_DB);
        if (!qualifies) {
            candidate = null;
        } else if (!loudest.equals(candidate)) {
            candidate = loudest;
            candidateSince = programPts;
        }
        if (candidate != null && programPts - candidateSince >= holdTicks) {
            active = candidate;
            candidate = null;
        }
        return Optional.ofNullable(active);
    }

    /** The active speaker after the last update. */
    public Optional<String> active() {
        return Optional.ofNullable(active);
    }
}
