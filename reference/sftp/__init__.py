"""The demo's SFTP server: asyncssh on loopback, one chrooted folder tree per partner."""

from __future__ import annotations

from reference.sftp.server import EmbeddedSftpServer
from reference.sftp.users import FOLDERS, PartnerStore

__all__ = ["FOLDERS", "EmbeddedSftpServer", "PartnerStore"]
