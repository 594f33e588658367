-- Works on the real Telegram: durable updates, one plan per Confirm, private chats, keys fixed.

-- Every update Telegram delivers is kept here before its offset is confirmed (the next
-- getUpdates), and marked handled once its effects are saved: a crash loses none, and an
-- update delivered again is recognised.
CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    payload     TEXT    NOT NULL,  -- the update's JSON as Telegram sent it
    received_at TEXT    NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,  -- replays after a crash; a poison update stops at 3
    handled_at  TEXT
);
CREATE INDEX inbox_pending ON inbox (update_id) WHERE handled_at IS NULL;

-- A plan remembers the conversation draft that made it: pressing Confirm again (or the same
-- press replayed after a crash) finds that plan instead of making a second one.
ALTER TABLE training_plans ADD COLUMN request_key TEXT;
CREATE UNIQUE INDEX training_plans_request ON training_plans (athlete_id, request_key)
    WHERE request_key IS NOT NULL;

-- /start in a group once rewrote a runner's chat to the group; private chat id = user id.
UPDATE athletes SET chat_id = telegram_user_id WHERE chat_id < 0;

-- Conversation keys had two spellings ("[1, 2]" and "[1,2]"); /delete looked for the second.
UPDATE bot_state SET key = REPLACE(key, ', ', ',') WHERE kind LIKE 'conversation:%';

-- Non-Latin names all had the empty key and matched every search; give them keys of their own
-- (the letters are gone from the key, so they stay findable only by id).
UPDATE races SET race_key = 'race ' || id WHERE race_key = '';
