-- Double days: a second run can be linked to a planned day that already has one (a marathoner's
-- morning and evening runs). A run still belongs to one day (activity_id stays unique); the
-- day's runs are found through an ordinary index. SQLite drops a constraint by rebuilding.
CREATE TABLE training_days_executed_new (
    id           INTEGER PRIMARY KEY,
    execution_id INTEGER NOT NULL REFERENCES training_plan_executions (id) ON DELETE CASCADE,
    activity_id  INTEGER NOT NULL UNIQUE REFERENCES athlete_activities (id) ON DELETE CASCADE,
    week_index   INTEGER NOT NULL,
    day_index    INTEGER NOT NULL,
    date         TEXT    NOT NULL,
    planned_data TEXT    NOT NULL,  -- JSON snapshot of the plan as it was
    analysis     TEXT    NOT NULL,  -- JSON DayAnalysis
    created_at   TEXT    NOT NULL
);
INSERT INTO training_days_executed_new
    (id, execution_id, activity_id, week_index, day_index, date, planned_data, analysis,
     created_at)
SELECT id, execution_id, activity_id, week_index, day_index, date, planned_data, analysis,
       created_at
FROM training_days_executed;
DROP TABLE training_days_executed;
ALTER TABLE training_days_executed_new RENAME TO training_days_executed;
CREATE INDEX training_days_executed_day
    ON training_days_executed (execution_id, week_index, day_index);
