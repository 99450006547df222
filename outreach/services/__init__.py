"""Writes of the outreach app: SMS batches and reminders, opt-outs, texts, owner links and the owner's requests."""
