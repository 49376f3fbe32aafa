-- Speakers a room's host banned: their speaker id (the display name, lower case) is refused in that
-- room until the ban is lifted. person_id: the credentials revoked with the ban, if they had any.
-- Written for both SQLite and PostgreSQL.
CREATE TABLE bans (
    room         VARCHAR(64)  NOT NULL,
    speaker_id   VARCHAR(128) NOT NULL,
    display_name VARCHAR(128) NOT NULL,
    person_id    VARCHAR(32),
    created_ms   BIGINT       NOT NULL,
    PRIMARY KEY (room, speaker_id)
);
