"""Outside sources of runs: activity files (FIT/GPX/TCX) and, later, Garmin Connect."""
