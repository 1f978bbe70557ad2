"""Standard-neutral EDI core: errors, model, specifications, acknowledgements, detection."""
