"""Messaging channels: one sub-package per channel, all ending in report_submit()."""
