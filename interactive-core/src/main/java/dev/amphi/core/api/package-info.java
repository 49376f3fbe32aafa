/**
 * The interactive core's REST API on Vert.x Web: {@link dev.amphi.core.api.RoomsApi} mounts
 * {@code GET /api/rooms} and {@code GET /api/rooms/{name}} on a router the server owns. Handlers
 * run on Vert.x event loops and only read the in-memory registry; stream keys never leave it.
 */
package dev.amphi.core.api;
