"""Bodies, their teams, units and categories, and the staff who work for them."""
