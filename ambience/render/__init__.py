"""Offline rendering: a mix to a file, long renders shared by one process per core."""
