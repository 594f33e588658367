"""GoFast Coach: entry points (CLI) and configuration."""
