/**
 * Webhooks: signed JSON events ({@code room.live}, {@code room.ended}, {@code speaker.joined},
 * {@code speaker.left}, {@code comment.flagged}) POSTed to configured URLs, retried with backoff,
 * never blocking the caller.
 */
package dev.amphi.core.hooks;
