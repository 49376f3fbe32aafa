package dev.amphi.core.api;

import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Where the watch pages' quality reports go (the server keeps them as Prometheus histograms and
 * counters, nothing per viewer). Called on event loops: must not block.
 */
@FunctionalInterface
public interface ViewerReports {

    /**
     * One page's report since its previous one.
     *
     * @param startupMs how long the page took from loading the stream to playing it, in its first report after that
     * @param stalls    playback stalls since the last report
     * @param stalledMs time spent stalled since the last report
     * @param switches  rendition switches since the last report
     * @param latency   how far behind live the page plays now, seconds
     */
    record Report(OptionalLong startupMs, int stalls, long stalledMs, int switches, OptionalDouble latency) {
    }

    void report(String room, Report report);

    /** A report that was not kept: more reports came in than the rate kept (see {@link PresenceApi}). */
    default void sampledOut() {
    }

    /** Reports go nowhere. */
    ViewerReports NONE = (room, report) -> { };
}
