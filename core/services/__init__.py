"""Use cases: orchestrate the engine and the ports. They return data, never message text."""
