-- Viewers' comments. Written for both SQLite (the embedded default) and PostgreSQL.
CREATE TABLE comments (
    id          BIGINT       NOT NULL PRIMARY KEY,
    room        VARCHAR(64)  NOT NULL,
    viewer      VARCHAR(32)  NOT NULL,
    nickname    VARCHAR(64)  NOT NULL,
    text        VARCHAR(4096) NOT NULL,
    mode        VARCHAR(8)   NOT NULL,
    color       VARCHAR(7)   NOT NULL,
    at_ms       BIGINT       NOT NULL,
    received_ms BIGINT       NOT NULL,
    deleted     BOOLEAN      NOT NULL DEFAULT FALSE
);
CREATE INDEX comments_room_at ON comments (room, at_ms);
