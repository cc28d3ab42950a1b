"""Report outlines as data files."""
