"""Intake: report_submit(), evidence, receipts and the reporter's follow-up thread."""
