-- Exactly once across a crash: what an update has done is recorded with it, so an update a
-- dead worker held is handled again from where it stood (storage.effects).

-- the update that last wrote each row, and the row's data before that update first did
-- (NULL: it had no row); a row deleted while an update is handled stays as 'null' until done
ALTER TABLE bot_state ADD COLUMN update_id INTEGER;
ALTER TABLE bot_state ADD COLUMN data_before TEXT;

-- each committed write of an update (its result, to hand back instead of writing again) and
-- each Telegram call that may not be repeated (an answer, an edit), recorded before it is made
CREATE TABLE update_effects (
    update_id  INTEGER NOT NULL,
    step       TEXT    NOT NULL,
    result     BLOB,
    created_at REAL    NOT NULL,
    PRIMARY KEY (update_id, step)
);
CREATE INDEX update_effects_created ON update_effects (created_at);
