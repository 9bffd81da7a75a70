"""Jinja2 templates for every text the assistant sends, one folder per language."""
