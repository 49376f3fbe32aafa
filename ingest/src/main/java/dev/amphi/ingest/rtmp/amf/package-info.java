/**
 * AMF0, the value encoding of RTMP commands and metadata, as pure, thread-safe static functions
 * ({@link dev.amphi.ingest.rtmp.amf.Amf0}) with bounded nesting and sizes. No threads, no state.
 */
package dev.amphi.ingest.rtmp.amf;
