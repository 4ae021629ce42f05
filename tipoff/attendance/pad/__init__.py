"""Presentation-attack evaluation: rendered genuine sequences, generated attacks, and the
ISO/IEC 30107-3 figures (APCER per attack type, BPCER) that ``attendance_pad`` prints."""
