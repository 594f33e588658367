-- Garmin Connect accounts: only the encrypted token string is kept, never a password.
CREATE TABLE garmin_accounts (
    athlete_id     INTEGER PRIMARY KEY REFERENCES athletes (id) ON DELETE CASCADE,
    tokens         BLOB    NOT NULL,  -- Fernet-encrypted client.dumps()
    connected_at   TEXT    NOT NULL,
    last_sync_at   TEXT,
    runs_imported  INTEGER NOT NULL DEFAULT 0,
    backoff_until  TEXT,              -- after a 429: leave the account alone until then
    backoff_level  INTEGER NOT NULL DEFAULT 0
);
