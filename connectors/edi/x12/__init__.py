"""ANSI X12: tokenizer, envelopes, 004010 documents, translation and 997/TA1."""
