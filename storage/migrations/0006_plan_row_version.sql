-- The version now covers the plan's own row as well as its days, so a process may keep the
-- whole plan as read (not only its days) while the version holds, whichever process wrote.
CREATE TRIGGER training_plans_updated
AFTER UPDATE OF athlete_id, race_id, goal_time_s, goal_pace_s_per_km, baseline_5k_s,
                baseline_weekly_m, start_date, total_weeks, phase_overview, weeks, settings,
                adaptive_5k_time_s, status, created_at, result, request_key
ON training_plans BEGIN
    UPDATE training_plans SET days_version = days_version + 1 WHERE id = NEW.id;
END;
