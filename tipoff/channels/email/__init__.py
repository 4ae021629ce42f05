"""E-mail: a mailbox polled over IMAP by UID; answers and receipts go back by SMTP."""
