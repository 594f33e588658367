"""Persistence: the only room with SQL. SQLite (stdlib sqlite3 on our own threads) is the
embedded default; see storage/unit_of_work.py."""
