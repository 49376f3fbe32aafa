/**
 * FLV audio/video tag bodies (the payload of RTMP audio and video messages, legacy and enhanced
 * RTMP headers) → {@link dev.amphi.media.MediaPacket}s: {@link dev.amphi.ingest.rtmp.flv.FlvTagParser}
 * (pure functions), {@link dev.amphi.ingest.rtmp.flv.Timeline} (RTMP ms → 90 kHz, unwrapped,
 * starting near zero, monotonic per track) and {@link dev.amphi.ingest.rtmp.flv.FlvDemuxer} (the
 * per-session state). H.264 and AAC only; anything else raises {@link
 * dev.amphi.ingest.rtmp.flv.UnsupportedCodecException} naming the codec. Stateful classes belong to
 * one publish session on its event loop.
 */
package dev.amphi.ingest.rtmp.flv;
