-- Each private room's secret: viewer links are signed with it (nginx secure_link's MD5 scheme, so
-- an edge can check them too); replacing it (rotation) voids every link given out.
-- Written for both SQLite and PostgreSQL.
CREATE TABLE room_secrets (
    room       VARCHAR(64) NOT NULL PRIMARY KEY,
    secret     VARCHAR(64) NOT NULL,
    rotated_ms BIGINT      NOT NULL
);
