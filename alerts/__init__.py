"""Alerts: notify people and systems of adverse events and deadlines, without personal data."""
