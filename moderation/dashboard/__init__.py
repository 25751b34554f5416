"""Dashboard figures and their server-rendered SVG charts."""
