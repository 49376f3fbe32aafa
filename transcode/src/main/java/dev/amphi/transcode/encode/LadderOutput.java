package dev.amphi.transcode.encode;

import dev.amphi.media.MediaPacket;

/**
 * Where a {@link LadderEncoder} delivers its packets. {@link #video} is called on the rung's own
 * encoder thread ({@code amphi-enc-<room>-<rung>}), in decode order for that rung; different rungs call
 * it concurrently, so an implementation shared between rungs must be thread-safe. It should not
 * block: a slow output stalls its rung and makes the ladder drop frames.
 */
@FunctionalInterface
public interface LadderOutput {

    /**
     * One encoded packet of rung {@code rung} (its index in the ladder's rung list).
     */
    void video(int rung, MediaPacket p);
}
