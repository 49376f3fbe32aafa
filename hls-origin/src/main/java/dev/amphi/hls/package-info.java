/**
 * The HLS origin's public face: {@link dev.amphi.hls.HlsOrigin} (built with
 * {@code HlsOrigin.builder()}) turns each named stream's {@link dev.amphi.media.MediaPacket}s into
 * CMAF segments and HLS playlists and serves them under {@code /live/{name}/}. One package-private
 * packager per stream ties the segmenter, the playlists ({@code RenditionOutput} per rendition
 * directory) and the store together: a {@code StreamPackager} for a passthrough stream (one
 * publisher's muxed packets), run on the thread that calls the stream's sink (one worker per
 * stream, serially), or a {@code LadderPackager} for an encoder ladder's renditions, whose sinks
 * may be called from one thread each and are serialised by the ladder's monitor. Both hand
 * immutable objects to the HTTP event loops through volatile fields and concurrent maps.
 */
package dev.amphi.hls;
