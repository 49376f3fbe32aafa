/**
 * WHIP signalling (RFC 9725) without an HTTP framework: the ICE servers a session is told about
 * ({@code Link: <...>; rel="ice-server"}) and the rules of the offer a WHIP {@code POST} carries.
 * The server's HTTP routes call these and answer with the statuses they name.
 */
package dev.amphi.ingest.webrtc.whip;
