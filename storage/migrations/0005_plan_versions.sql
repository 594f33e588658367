-- A plan's days carry a version that any change to them bumps, so a process may keep the
-- plan's days (the costly part of loading a plan) and reuse them while the version holds —
-- whichever process made the change.
ALTER TABLE training_plans ADD COLUMN days_version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER training_days_inserted AFTER INSERT ON training_days_planned BEGIN
    UPDATE training_plans SET days_version = days_version + 1 WHERE id = NEW.training_plan_id;
END;

CREATE TRIGGER training_days_updated AFTER UPDATE ON training_days_planned BEGIN
    UPDATE training_plans SET days_version = days_version + 1
    WHERE id IN (NEW.training_plan_id, OLD.training_plan_id);
END;

CREATE TRIGGER training_days_deleted AFTER DELETE ON training_days_planned BEGIN
    UPDATE training_plans SET days_version = days_version + 1 WHERE id = OLD.training_plan_id;
END;
