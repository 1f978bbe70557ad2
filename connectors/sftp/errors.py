"""SFTP-specific errors, placed in the connector error hierarchy.

* FatalError (connectors.errors)
  * HostKeyError              - the server's host key could not be trusted
    * HostKeyMismatch         - the key differs from the pinned fingerprint or known_hosts
    * UnknownHostKey          - known_hosts holds no key for this host and port
  * UnsafeRemoteName          - a file name could escape its folder (refused before any call)
  * RemoteFileError           - the server refused a file operation
    * RemoteFileNotFound      - the file or folder does not exist
    * RemoteFileExists        - the target name is taken and overwriting was not asked for

Connection loss and timeouts use `connectors.errors.ConnectionFailed` and `Timeout`
(retriable); refused credentials use `AuthError`; bad settings use `ConfigError`.
"""

from __future__ import annotations

from connectors.errors import FatalError


class HostKeyError(FatalError):
    """The server presented a host key we cannot trust; nothing was sent to it."""

    def __init__(
        self,
        message: str,
        *,
        host: str,
        port: int,
        expected: str,
        presented: str,
        system: str | None = None,
    ) -> None:
        super().__init__(message, system=system, operation="connect")
        self.host = host
        self.port = port
        self.expected = expected
        self.presented = presented


class HostKeyMismatch(HostKeyError):
    """The host key is not the one pinned or listed in known_hosts (changed or spoofed)."""


class UnknownHostKey(HostKeyError):
    """The known_hosts file has no entry for this host and port."""


class UnsafeRemoteName(FatalError):
    """A remote file name that could reach outside its folder, refused before any remote call."""


class RemoteFileError(FatalError):
    """The server refused a file operation (permission, missing folder, failure)."""


class RemoteFileNotFound(RemoteFileError):
    """The remote file or folder does not exist."""


class RemoteFileExists(RemoteFileError):
    """The remote target name already exists and overwriting was not requested."""


__all__ = [
    "HostKeyError",
    "HostKeyMismatch",
    "RemoteFileError",
    "RemoteFileExists",
    "RemoteFileNotFound",
    "UnknownHostKey",
    "UnsafeRemoteName",
]
