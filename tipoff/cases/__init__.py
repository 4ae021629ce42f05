"""Case handling: the status of each matter, its deadlines and the back office."""
