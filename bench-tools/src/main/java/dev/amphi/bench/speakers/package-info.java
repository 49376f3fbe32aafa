/**
 * Light speakers for the WebRTC load benchmark ({@code bench/webrtc-load.sh}): many WebRTC speakers
 * through the real WHIP endpoint, or many RTMP speakers, sending one pre-encoded clip at real-time
 * pace from one process with a few threads.
 */
package dev.amphi.bench.speakers;
