"""SOAP operations of the procurement service: parse the payload, call a rule, render."""
