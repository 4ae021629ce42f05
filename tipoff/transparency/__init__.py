"""Public statistics, notices of typical cases and the directory of inspection teams."""
