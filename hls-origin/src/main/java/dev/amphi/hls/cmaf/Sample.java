package dev.amphi.hls.cmaf;

import java.util.Objects;

/**
 * One sample of a fragment, ready to be written: its duration and composition offset in the
 * track's timescale, whether it is a sync sample, and its payload (AVCC access unit or raw AAC
 * frame). The payload array is shared, never modified.
 */
public record Sample(int duration, int compositionOffset, boolean sync, byte[] data) {

    public Sample {
        Objects.requireNonNull(data, "data");
        if (duration < 0) {
            throw new IllegalArgumentException("sample duration must not be negative, was " + duration);
        }
    }
}
