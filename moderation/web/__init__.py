"""The review UI: FastAPI, server-rendered Jinja2 templates, no JavaScript build, a strict CSP."""

from moderation.web.app import create_app

__all__ = ["create_app"]
