"""Abuse limits: atomic counters, budgets, proof of work (who a client is: lib.clients)."""
