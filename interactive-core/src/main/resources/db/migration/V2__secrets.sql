-- Server-wide secrets shared by every node of a deployment (e.g. the viewer-token key).
CREATE TABLE secrets (
    name  VARCHAR(64)  NOT NULL PRIMARY KEY,
    value VARCHAR(256) NOT NULL
);
