-- The people of a room with credentials of their own (hosts and speakers), made through the API.
-- Written for both SQLite and PostgreSQL. link_version: bumping it voids every join link given out.
CREATE TABLE people (
    id           VARCHAR(32)  NOT NULL PRIMARY KEY,
    room         VARCHAR(64)  NOT NULL,
    display_name VARCHAR(64)  NOT NULL,
    role         VARCHAR(16)  NOT NULL,
    stream_key   VARCHAR(256) NOT NULL,
    link_version INTEGER      NOT NULL,
    revoked      BOOLEAN      NOT NULL DEFAULT FALSE,
    created_ms   BIGINT       NOT NULL
);
CREATE UNIQUE INDEX people_stream_key ON people (stream_key);
CREATE INDEX people_room ON people (room);
