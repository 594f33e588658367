-- Real life: every revision of a plan's future is kept, with what it replaced (for undo);
-- race results live on the plan; a pause remembers when it began and why.

CREATE TABLE plan_revisions (
    id               INTEGER PRIMARY KEY,
    training_plan_id INTEGER NOT NULL REFERENCES training_plans (id) ON DELETE CASCADE,
    kind             TEXT    NOT NULL,
    effective_from   TEXT    NOT NULL,
    week_index       INTEGER,
    detail           TEXT    NOT NULL,  -- JSON PlanRevision: what changed and why
    previous_plan    TEXT,              -- JSON TrainingPlan before it (undoable kinds only)
    undone           INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT    NOT NULL
);
CREATE INDEX plan_revisions_plan ON plan_revisions (training_plan_id, id);
-- The week-end adjustment judges each week once, however often the weekly job runs.
CREATE UNIQUE INDEX plan_revisions_weekly ON plan_revisions (training_plan_id, week_index)
    WHERE kind = 'weekly';

ALTER TABLE training_plans ADD COLUMN result TEXT;  -- JSON RaceResult once race day is done

ALTER TABLE athletes ADD COLUMN paused_on TEXT;
ALTER TABLE athletes ADD COLUMN pause_reason TEXT;
