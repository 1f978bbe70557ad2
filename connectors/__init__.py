"""Connectors: REST (requests), SOAP (zeep), SFTP (paramiko) and the EDI translator."""
