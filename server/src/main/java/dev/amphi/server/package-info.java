/**
 * The runnable server: {@link dev.amphi.server.Main} reads the configuration (flags, then
 * {@code AMPHI_*} environment variables, then a properties file, then defaults) into a
 * {@link dev.amphi.server.ServerConfig}; {@link dev.amphi.server.AmphiServer} wires the room
 * registry to the RTMP server's authorizer, each room's {@link dev.amphi.media.MediaFanout} to the
 * HLS origin on the {@code amphi-hls-N} worker threads, and serves the origin, the room API, the
 * player, {@code /health} and {@code /metrics} from one Vert.x HTTP server. Netty event loops own
 * RTMP connections, Vert.x event loops own HTTP, the worker pool owns segmenting; start-up and
 * shutdown run on the caller's thread (main, or the shutdown hook).
 */
package dev.amphi.server;
