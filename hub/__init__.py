"""The integration hub engine: state store, settings, CLI."""
