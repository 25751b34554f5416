"""Collectors: stream posts and comments from platforms into one `Post` shape."""
