-- GoFast Coach schema v1. Units are SI: metres (_m), seconds (_s), paces in seconds per km.

CREATE TABLE athletes (
    id               INTEGER PRIMARY KEY,
    telegram_user_id INTEGER NOT NULL UNIQUE,
    chat_id          INTEGER NOT NULL,
    display_name     TEXT    NOT NULL DEFAULT '',
    units            TEXT    NOT NULL DEFAULT 'km' CHECK (units IN ('km', 'mi')),
    time_zone        TEXT    NOT NULL DEFAULT 'UTC',
    push_time        TEXT    NOT NULL DEFAULT '07:00',  -- local HH:MM
    notifications    TEXT    NOT NULL DEFAULT '{}',     -- JSON {kind: bool}
    onboarded        INTEGER NOT NULL DEFAULT 0,
    active           INTEGER NOT NULL DEFAULT 1,
    paused_until     TEXT,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
-- The push tick asks "who is due at this local time in this zone": one index probe per zone.
CREATE INDEX athletes_push ON athletes (time_zone, push_time) WHERE active = 1;

CREATE TABLE races (
    id                    INTEGER PRIMARY KEY,
    race_name             TEXT    NOT NULL,
    race_key              TEXT    NOT NULL,  -- normalised name: shared by everyone naming it alike
    race_type             TEXT    NOT NULL,
    race_date             TEXT    NOT NULL,
    location              TEXT,
    distance_m            REAL    NOT NULL CHECK (distance_m > 0),
    registration_url      TEXT,
    description           TEXT,
    course_profile        TEXT,
    created_by_athlete_id INTEGER REFERENCES athletes (id) ON DELETE SET NULL,
    UNIQUE (race_key, race_date, distance_m)
);
CREATE INDEX races_date ON races (race_date);

CREATE TABLE training_plans (
    id                     INTEGER PRIMARY KEY,
    athlete_id             INTEGER NOT NULL REFERENCES athletes (id) ON DELETE CASCADE,
    race_id                INTEGER NOT NULL REFERENCES races (id),
    goal_time_s            INTEGER,
    goal_pace_s_per_km     REAL,
    baseline_5k_s          INTEGER NOT NULL,
    baseline_weekly_m      REAL    NOT NULL,
    start_date             TEXT    NOT NULL,
    total_weeks            INTEGER NOT NULL,
    phase_overview         TEXT    NOT NULL,  -- JSON
    weeks                  TEXT    NOT NULL,  -- JSON: the blueprint (weeks without their days)
    settings               TEXT    NOT NULL,  -- JSON: units, run days, paces, VDOT, warnings
    adaptive_5k_time_s     INTEGER,
    status                 TEXT    NOT NULL DEFAULT 'planning'
                           CHECK (status IN ('planning', 'training', 'completed', 'abandoned')),
    created_at             TEXT    NOT NULL
);
CREATE INDEX training_plans_athlete ON training_plans (athlete_id, status);

CREATE TABLE training_days_planned (
    id               INTEGER PRIMARY KEY,
    training_plan_id INTEGER NOT NULL REFERENCES training_plans (id) ON DELETE CASCADE,
    week_index       INTEGER NOT NULL,
    day_index        INTEGER NOT NULL CHECK (day_index BETWEEN 0 AND 6),
    date             TEXT    NOT NULL,
    planned_data     TEXT    NOT NULL,  -- JSON PlannedWorkout
    UNIQUE (training_plan_id, week_index, day_index)
);
CREATE UNIQUE INDEX training_days_planned_date ON training_days_planned (training_plan_id, date);

CREATE TABLE training_plan_executions (
    id               INTEGER PRIMARY KEY,
    training_plan_id INTEGER NOT NULL REFERENCES training_plans (id) ON DELETE CASCADE,
    started_at       TEXT    NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'active'
);
CREATE INDEX training_plan_executions_plan ON training_plan_executions (training_plan_id);

CREATE TABLE athlete_activities (
    id               INTEGER PRIMARY KEY,
    athlete_id       INTEGER NOT NULL REFERENCES athletes (id) ON DELETE CASCADE,
    source           TEXT    NOT NULL CHECK (source IN ('garmin', 'file', 'manual')),
    external_id      TEXT    NOT NULL,
    start_utc        TEXT    NOT NULL,  -- ISO 8601, UTC
    start_epoch      INTEGER NOT NULL,  -- the same instant, for range look-ups
    local_date       TEXT    NOT NULL,
    distance_m       REAL    NOT NULL,
    duration_s       REAL    NOT NULL,
    moving_s         REAL,
    avg_hr           REAL,
    max_hr           REAL,
    elevation_gain_m REAL,
    sport            TEXT    NOT NULL,
    summary          TEXT    NOT NULL DEFAULT '{}',
    fingerprint      TEXT    NOT NULL,  -- start minute + distance (100 m): same run, other source
    match_state      TEXT,              -- 'pending' (asked, no answer yet), 'extra', or NULL
    created_at       TEXT    NOT NULL,
    UNIQUE (athlete_id, source, external_id)
);
CREATE INDEX athlete_activities_start ON athlete_activities (athlete_id, start_epoch);
CREATE INDEX athlete_activities_day ON athlete_activities (athlete_id, local_date);

CREATE TABLE training_days_executed (
    id           INTEGER PRIMARY KEY,
    execution_id INTEGER NOT NULL REFERENCES training_plan_executions (id) ON DELETE CASCADE,
    activity_id  INTEGER NOT NULL UNIQUE REFERENCES athlete_activities (id) ON DELETE CASCADE,
    week_index   INTEGER NOT NULL,
    day_index    INTEGER NOT NULL,
    date         TEXT    NOT NULL,
    planned_data TEXT    NOT NULL,  -- JSON snapshot of the plan as it was
    analysis     TEXT    NOT NULL,  -- JSON DayAnalysis
    created_at   TEXT    NOT NULL,
    UNIQUE (execution_id, week_index, day_index)
);

CREATE TABLE adaptive_5k_snapshots (
    id               INTEGER PRIMARY KEY,
    training_plan_id INTEGER NOT NULL REFERENCES training_plans (id) ON DELETE CASCADE,
    week_index       INTEGER NOT NULL,
    taken_at         TEXT    NOT NULL,
    seconds          INTEGER NOT NULL,
    vdot             REAL    NOT NULL,
    runs_used        INTEGER NOT NULL,
    trend            TEXT    NOT NULL,
    UNIQUE (training_plan_id, week_index)
);

CREATE TABLE push_log (
    id          INTEGER PRIMARY KEY,
    athlete_id  INTEGER NOT NULL REFERENCES athletes (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    slot        TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'claimed',
    updated_at  TEXT    NOT NULL,
    UNIQUE (athlete_id, kind, slot)
);

-- python-telegram-bot persistence (conversation states, user/chat/bot data), written per step.
CREATE TABLE bot_state (
    kind TEXT NOT NULL,  -- 'conversation:<name>', 'user', 'chat', 'bot', 'callback'
    key  TEXT NOT NULL,
    data TEXT NOT NULL,  -- JSON
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
