"""The back office: triage, investigation, decisions, queues, exports and the staff pages."""
