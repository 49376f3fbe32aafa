/**
 * The HLS origin's public face: {@link dev.amphi.hls.HlsOrigin} (built with
 * {@code HlsOrigin.builder()}) turns each named stream's {@link dev.amphi.media.MediaPacket}s into
 * CMAF segments and HLS playlists and serves them under {@code /live/{name}/}. One package-private
 * {@code StreamPackager} per stream ties the segmenter, the playlists and the store together; it
 * runs on the thread that calls the stream's sink (one worker per stream, serially), and hands
 * immutable objects to the HTTP event loops through volatile fields and concurrent maps.
 */
package dev.amphi.hls;
