"""Maintenance tools of the template itself (not part of generated projects)."""
