"""The append-only, hash-chained audit trail of everything staff do."""
