"""mergekit 0.1.5 facts as data tables: merge methods, mergekit-moe options and value names."""
