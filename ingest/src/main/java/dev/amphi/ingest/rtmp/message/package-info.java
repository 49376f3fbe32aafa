/**
 * RTMP messages ({@link dev.amphi.ingest.rtmp.message.RtmpMessage}, a reference-counted payload with
 * its header), the message type ids, and builders/readers for protocol control and user control
 * messages. Value types and static functions: no threads; a message is owned by whoever holds it
 * and must be released once.
 */
package dev.amphi.ingest.rtmp.message;
