"""The storage contract: the same tests on every backend (SQLite and Elasticsearch)."""
