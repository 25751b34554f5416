"""Moderation: the review queue, the web UI, PV cases, the audit trail."""
