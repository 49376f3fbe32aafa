package dev.amphi.media;

/** The kind of track a packet belongs to. */
public enum MediaKind {
    VIDEO,
    AUDIO
}
