"""Telegram bot: webhook with the secret-token header, replies in the webhook response."""
