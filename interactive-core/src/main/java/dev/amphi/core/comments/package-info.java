/**
 * Viewers' comments (danmaku) and reactions: the rules a comment must meet before anything stores
 * or shows it. {@link dev.amphi.core.comments.CommentText} decodes and cleans a text (strict UTF-8,
 * NFC, no control characters or bidi overrides, at most 100 grapheme clusters counted by ICU4J, so
 * an emoji ZWJ sequence or a flag is one), {@link dev.amphi.core.comments.CommentDraft} applies a
 * room's rules (comment mode, blocked words, display mode, palette), and
 * {@link dev.amphi.core.comments.Reactions} is the fixed set of one-tap reactions. Every refusal is a
 * {@link dev.amphi.core.comments.CommentRefused} naming its rule. Pure functions and immutable
 * values: any thread may call them.
 */
package dev.amphi.core.comments;
