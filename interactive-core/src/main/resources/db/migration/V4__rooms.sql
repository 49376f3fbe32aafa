-- Rooms made through the API (rooms from --room flags are not stored). Written for both SQLite and
-- PostgreSQL. settings: the room's own program and comment settings as a JSON object whose keys are
-- --room-setting keys (e.g. {"ladder":"360p:640x360:700k","comments-hold":"on"}).
CREATE TABLE rooms (
    name               VARCHAR(64)   NOT NULL PRIMARY KEY,
    title              VARCHAR(200)  NOT NULL,
    description        VARCHAR(2000) NOT NULL DEFAULT '',
    scheduled_start_ms BIGINT,
    speaker_limit      INTEGER       NOT NULL,
    layout             VARCHAR(80)   NOT NULL,
    visibility         VARCHAR(16)   NOT NULL,
    status             VARCHAR(16)   NOT NULL,
    stream_key         VARCHAR(256)  NOT NULL,
    settings           VARCHAR(4000) NOT NULL DEFAULT '{}',
    created_ms         BIGINT        NOT NULL,
    updated_ms         BIGINT        NOT NULL
);
