"""Deterministic demo and bench data shared by all six reference systems."""
