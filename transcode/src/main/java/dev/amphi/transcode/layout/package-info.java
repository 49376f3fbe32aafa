/**
 * Where each speaker's tile goes on the program canvas. {@link dev.amphi.transcode.layout.Layout}
 * names the room's layout ({@code gallery}, {@code speaker}, {@code presentation:ID}) and {@link
 * dev.amphi.transcode.layout.LayoutEngine#place} turns it, with the room's speakers, the active
 * speaker and the recent speakers, into {@link dev.amphi.transcode.layout.TilePlacement}s. Everything
 * here is immutable and pure: any thread may call it (the room's program clock thread does, once per
 * change of the room's state).
 */
package dev.amphi.transcode.layout;
