"""SMS and WhatsApp through a Twilio-style gateway: signed form webhooks and TwiML replies."""
