"""Work that happens without the runner asking: pushes, on a one-minute tick."""
