"""Persistence: the only room with SQL. SQLite (aiosqlite) is the embedded default."""
