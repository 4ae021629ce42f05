"""Attendance by face recognition: enrollment, kiosks, schedules and lateness reports."""
