package dev.amphi.transcode;

import dev.amphi.media.MediaSink;
import java.util.concurrent.TimeUnit;

/**
 * A program as its {@link ProgramClock} sees it: what produces frames, and what an offline driver
 * may reach. Implemented by the program; called by the clock's thread (real time) or the offline
 * driver, one frame at a time.
 */
interface ProgramFrames {

    /** The room's name (thread names, log lines). */
    String room();

    /** Frames per second. */
    int fps();

    /** Produces program frame {@code n} (layout, composite, mix, encode); frames come in order. */
    void produce(long n);

    /** Waits until the ladder can take one more frame; false when it still cannot after the timeout. */
    boolean awaitLadderCapacity(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Ends the program, once: flushes and closes every encoder and ends every output, each step
     * even when one before it failed.
     *
     * @return the first failure, later ones suppressed in it; null when all went well
     */
    Throwable finish();

    /** Gives the speakers who joined before the start their tiles now (an offline start). */
    void layOutNow();

    /** The decode side of a speaker, fed directly (no queue), or null for one not in the room. */
    MediaSink decoderOf(String speakerId);
}
