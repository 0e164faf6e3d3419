"""The database and web side of theme analysis: runs, themes, assignments and quotes."""
