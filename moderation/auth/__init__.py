"""Users (argon2 hashes in store.kv kind "user"), signed server-side sessions, CSRF tokens."""
