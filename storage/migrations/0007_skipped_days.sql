-- A day the runner skipped ("Skip today") is a mark on the plan's day, not a push that was
-- never sent: the nudges leave it alone, and it survives a revision of the days after it.
CREATE TABLE skipped_days (
    training_plan_id INTEGER NOT NULL REFERENCES training_plans (id) ON DELETE CASCADE,
    date             TEXT    NOT NULL,
    skipped_at       TEXT    NOT NULL,
    PRIMARY KEY (training_plan_id, date)
);

-- Skips recorded before this version lived in the push log (kind 'skip', slot = the day).
INSERT OR IGNORE INTO skipped_days (training_plan_id, date, skipped_at)
SELECT p.id, l.slot, l.updated_at
FROM push_log l JOIN training_plans p ON p.athlete_id = l.athlete_id
JOIN training_days_planned d ON d.training_plan_id = p.id AND d.date = l.slot
WHERE l.kind = 'skip';
DELETE FROM push_log WHERE kind = 'skip';
