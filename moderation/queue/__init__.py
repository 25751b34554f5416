"""The review queue: filters, item view data and reviewer actions (each role-checked and audited)."""
