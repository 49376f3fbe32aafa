/**
 * The audience benchmark's clients ({@code bench/audience.sh}): {@link dev.amphi.bench.audience.AudienceBench}
 * simulates N viewers with one Vert.x HTTP client per event loop (pooled keep-alive connections, no
 * thread per viewer). In the pull design each viewer follows the HLS playlists and the room's comment
 * objects through a caching edge as the watch page does ({@code PullViewers}); in the push design each
 * holds one Server-Sent Events stream from the origin ({@code PushViewers}). Meanwhile {@code Posters}
 * post comments at a fixed rate straight to the origin, and the {@code Ledger} checks that every
 * accepted comment appears in exactly one window object. Every viewer, poster and probe runs on a
 * Vert.x event loop; the main thread only starts, samples ({@code ProcSample}) and reports.
 */
package dev.amphi.bench.audience;
