/**
 * HLS playlist text: the sliding-window media playlist ({@link dev.amphi.hls.playlist.MediaPlaylist},
 * version 7, program date-times, discontinuities, end list) and the multivariant playlist
 * ({@link dev.amphi.hls.playlist.MasterPlaylist}) with bandwidth and frame rate measured by
 * {@link dev.amphi.hls.playlist.BitrateMeter}. The mutable window and meter belong to one stream's
 * worker thread; rendered strings are immutable.
 */
package dev.amphi.hls.playlist;
