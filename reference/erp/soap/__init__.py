"""SOAP 1.1 plumbing of the reference ERP: safe XML, faults, services and the dispatcher."""
