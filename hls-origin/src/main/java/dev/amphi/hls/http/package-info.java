/**
 * The origin's Vert.x routes ({@link dev.amphi.hls.http.OriginRoutes}): GET/HEAD of playlists and
 * segments with content types, cache policy, ETag/Last-Modified revalidation and byte
 * ranges, looked up through an {@link dev.amphi.hls.http.ObjectResolver}. Handlers run on Vert.x
 * event loops and only read immutable in-memory objects.
 */
package dev.amphi.hls.http;
