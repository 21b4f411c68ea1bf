"""mergelint: a linter for mergekit merge configs."""

__version__ = "0.1.0"
