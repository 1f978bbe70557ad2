"""The mapping language and the mapping files between native records and the canonical model."""
