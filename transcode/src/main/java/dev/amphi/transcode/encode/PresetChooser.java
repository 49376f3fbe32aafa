package dev.amphi.transcode.encode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the x264 preset for this machine from its core count; the choice and its reason are logged
 * once per call. (Calibrating a preset by encoding a test canvas is a benchmark tool: the
 * {@code bench-tools} module's {@code PresetCalibration}.)
 */
public final class PresetChooser {

    private static final Logger LOG = LoggerFactory.getLogger(PresetChooser.class);

    /** A chosen preset and why. */
    public record Choice(String preset, String reason) {
        public Choice {
            java.util.Objects.requireNonNull(preset, "preset");
            java.util.Objects.requireNonNull(reason, "reason");
        }
    }

    private PresetChooser() {
    }

    /** ≤ 2 cores: {@code ultrafast}; ≤ 8: {@code superfast}; more: {@code veryfast}. */
    public static Choice byCores(int cores) {
        if (cores < 1) {
            throw new IllegalArgumentException("core count must be positive, got " + cores);
        }
        String preset = cores <= 2 ? "ultrafast" : cores <= 8 ? "superfast" : "veryfast";
        return logged(new Choice(preset, cores + " cores available"));
    }

    /** {@link #byCores(int)} for this JVM's available processors. */
    public static Choice byCores() {
        return byCores(Runtime.getRuntime().availableProcessors());
    }

    private static Choice logged(Choice c) {
        LOG.info("x264 preset {}: {}", c.preset(), c.reason());
        return c;
    }
}
