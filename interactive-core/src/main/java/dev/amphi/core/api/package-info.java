/**
 * The interactive core's REST API on Vert.x Web, mounted on a router the server owns:
 * {@link dev.amphi.core.api.RoomsApi} ({@code GET /api/rooms}, {@code GET /api/rooms/{name}}) and
 * {@link dev.amphi.core.api.ProgramApi} (a composited room's program: {@code GET .../program},
 * {@code PUT .../layout} with the room's stream key as a bearer token, and the Server-Sent Events
 * stream {@code GET .../events}). Handlers run on Vert.x event loops and only read the in-memory
 * registry and the non-blocking {@link dev.amphi.core.room.ProgramControl} port; program events
 * arrive on other threads and are handed to each client's event loop. Stream keys never leave the
 * registry.
 */
package dev.amphi.core.api;
