"""Attendance pages: the kiosk (a paired device), administrators' pages and reports."""
