"""PV cases: escalation from the queue, the regulatory clock, follow-up, E2B(R3) and CSV export."""
