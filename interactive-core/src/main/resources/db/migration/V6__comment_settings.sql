-- A room's comment settings as its moderators last set them (they win over the flags' defaults).
-- Written for both SQLite and PostgreSQL.
CREATE TABLE comment_settings (
    room        VARCHAR(64) NOT NULL PRIMARY KEY,
    mode        VARCHAR(8)  NOT NULL,
    slow_mode_s INTEGER     NOT NULL,
    hold        BOOLEAN     NOT NULL
);
