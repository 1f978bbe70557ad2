"""SFTP connector (paramiko): verified host keys, streaming and atomic transfers, claims.

    config = SftpConfig.from_dict(profile["sftp"])
    with SftpConnector(config) as sftp:
        for remote in sftp.list_inbox():
            claimed = sftp.claim(remote.name)
            if claimed is None:
                continue  # another worker took it
            sftp.download_to(local_path, claimed)
            sftp.finish(claimed, "done")

See docs/sftp.md.
"""

from __future__ import annotations

from connectors.sftp.client import SftpConnector
from connectors.sftp.config import (
    Folders,
    HostKeyCheck,
    KeyAuth,
    PasswordAuth,
    SftpConfig,
    SftpTimeouts,
)
from connectors.sftp.errors import (
    HostKeyError,
    HostKeyMismatch,
    RemoteFileError,
    RemoteFileExists,
    RemoteFileNotFound,
    UnknownHostKey,
    UnsafeRemoteName,
)
from connectors.sftp.files import ClaimedFile, RemoteFile
from connectors.sftp.hostkeys import fingerprint, known_hosts_name
from connectors.sftp.names import check_name

__all__ = [
    "ClaimedFile",
    "Folders",
    "HostKeyCheck",
    "HostKeyError",
    "HostKeyMismatch",
    "KeyAuth",
    "PasswordAuth",
    "RemoteFile",
    "RemoteFileError",
    "RemoteFileExists",
    "RemoteFileNotFound",
    "SftpConfig",
    "SftpConnector",
    "SftpTimeouts",
    "UnknownHostKey",
    "UnsafeRemoteName",
    "check_name",
    "fingerprint",
    "known_hosts_name",
]
