-- Several workers on one database (webhook mode, storage.update_queue and storage.shared).
-- SQLite gets the same tables so both schemas stay one version apart from nothing: a single
-- process uses the inbox's lease columns in webhook mode, and `gofast migrate --from` can
-- compare versions. Lease moments are epoch seconds from the processes' clocks.
ALTER TABLE inbox ADD COLUMN chat_key INTEGER;
ALTER TABLE inbox ADD COLUMN lease_owner TEXT;
ALTER TABLE inbox ADD COLUMN lease_until REAL;
DROP INDEX inbox_pending;
CREATE INDEX inbox_pending ON inbox (chat_key, update_id) WHERE handled_at IS NULL;

-- one holder at a time: the push tick, the Garmin tick, one account's sync
CREATE TABLE leases (
    name   TEXT PRIMARY KEY,
    owner  TEXT NOT NULL,
    until  REAL NOT NULL
);

-- the bot token's send rate, shared by every process: the next free moment to send
CREATE TABLE send_rate (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    next_at REAL NOT NULL
);
INSERT INTO send_rate (id, next_at) VALUES (1, 0);

-- the flood guard's window per runner, across processes
CREATE TABLE flood_counts (
    user_id      INTEGER PRIMARY KEY,
    window_start REAL    NOT NULL,
    seen         INTEGER NOT NULL,
    warned       INTEGER NOT NULL DEFAULT 0
);

-- a Garmin login waiting for its MFA code, held by one worker: a code that reaches another
-- worker is handed over here, sealed, and so is the answer; useless after its expiry
CREATE TABLE garmin_pending (
    athlete_id INTEGER PRIMARY KEY REFERENCES athletes (id) ON DELETE CASCADE,
    owner      TEXT    NOT NULL,
    expires_at REAL    NOT NULL,
    code       BLOB,
    outcome    BLOB
);
