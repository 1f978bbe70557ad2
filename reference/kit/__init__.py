"""Plumbing shared by the reference systems: serving an app on loopback, databases, specs."""
