-- Moderation and reactions. Written for both SQLite (the embedded default) and PostgreSQL.
-- A comment held for a moderator's approval is stored (acknowledged) but not shown until approved.
ALTER TABLE comments ADD COLUMN held BOOLEAN NOT NULL DEFAULT FALSE;

-- Viewers a moderator muted in a room (the id inside their viewer token).
CREATE TABLE muted_viewers (
    room     VARCHAR(64) NOT NULL,
    viewer   VARCHAR(32) NOT NULL,
    muted_ms BIGINT      NOT NULL,
    PRIMARY KEY (room, viewer)
);

-- One-tap reactions, counted per second of program time (never stored one by one).
CREATE TABLE reaction_counts (
    room      VARCHAR(64) NOT NULL,
    second_ms BIGINT      NOT NULL,
    emoji     VARCHAR(16) NOT NULL,
    count     INTEGER     NOT NULL,
    PRIMARY KEY (room, second_ms, emoji)
);
