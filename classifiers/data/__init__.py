"""Data written by the pvwatch team (see README.md) and the tools that check it."""
