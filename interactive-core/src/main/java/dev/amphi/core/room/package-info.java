/**
 * Rooms: a {@link dev.amphi.core.room.RoomRegistry} of named {@link dev.amphi.core.room.Room}s, each
 * with a title and a secret stream key, and each either live or not. The default room
 * {@code lobby} gets its key from configuration or from a {@link dev.amphi.core.room.StreamKeyStore}
 * that generates it once and keeps it in the data directory. The registry is immutable in its set
 * of rooms and thread-safe in their live state: ingest event loops look rooms up by stream key and
 * mark them live, HTTP event loops read them; nothing here blocks or owns a thread (the key store
 * touches the disk and is used only at start-up).
 *
 * <p>A composited room's program is seen and steered through the {@link dev.amphi.core.room.ProgramControl}
 * port (the server implements it on the transcode programs) in the core's own value types:
 * {@link dev.amphi.core.room.LayoutChoice}, {@link dev.amphi.core.room.SpeakerView},
 * {@link dev.amphi.core.room.ProgramState}, and {@link dev.amphi.core.room.ProgramEvents} for what
 * happens, reported on whatever thread made the change.
 */
package dev.amphi.core.room;
