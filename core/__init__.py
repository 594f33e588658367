"""GoFast Coach engine: pure, deterministic running rules. Knows nothing of Telegram or SQL."""
