"""Typed settings of one SFTP connection, loadable from a dict (profiles, partner files)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from connectors.errors import ConfigError
from connectors.secrets import is_reference
from connectors.sftp.names import check_folder

FINGERPRINT_PATTERN = r"^SHA256:[A-Za-z0-9+/]{43}$"
FolderRole = Literal["inbox", "outbox", "archive", "done", "error"]


def _require_reference(value: str) -> str:
    if not is_reference(value):
        # Never echo the value: it is probably the secret itself.
        raise ValueError(
            "a literal secret is not allowed; give a reference instead: "
            "env:VAR_NAME, airflow:conn_id[.field] or file:/path"
        )
    return value


SecretRef = Annotated[str, AfterValidator(_require_reference)]
RemoteFolder = Annotated[str, AfterValidator(check_folder)]


class _Model(BaseModel):
    # hide_input_in_errors: a ValidationError must not print a mistyped secret back.
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class KeyAuth(_Model):
    """Public-key authentication with an ed25519, ECDSA or RSA private key."""

    kind: Literal["key"]
    private_key: SecretRef = Field(
        description="Reference to the private key's text, e.g. file:/run/secrets/partner_ed25519."
    )
    passphrase: SecretRef | None = Field(None, description="Reference to the key's passphrase.")


class PasswordAuth(_Model):
    """Password authentication."""

    kind: Literal["password"]
    password: SecretRef = Field(description="Reference to the password.")


Auth = Annotated[KeyAuth | PasswordAuth, Field(discriminator="kind")]


class HostKeyCheck(_Model):
    """How the server's host key is verified: exactly one of the three ways."""

    known_hosts: Path | None = Field(None, description="An OpenSSH known_hosts file.")
    fingerprint: str | None = Field(
        None,
        pattern=FINGERPRINT_PATTERN,
        description="Pinned key fingerprint as `ssh-keygen -l -E sha256` prints it.",
    )
    insecure_accept_any_host_key: bool = Field(
        False, description="Trust any key (tests only); logs a warning on every connection."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> HostKeyCheck:
        chosen = [
            self.known_hosts is not None,
            self.fingerprint is not None,
            self.insecure_accept_any_host_key,
        ]
        if sum(chosen) != 1:
            raise ValueError(
                "set exactly one of known_hosts, fingerprint or insecure_accept_any_host_key"
            )
        return self


class Folders(_Model):
    """Remote folders, absolute or relative to the login directory."""

    inbox: RemoteFolder = "inbox"
    outbox: RemoteFolder = "outbox"
    archive: RemoteFolder = "archive"
    done: RemoteFolder | None = Field(None, description="Default: <inbox>/done.")
    error: RemoteFolder | None = Field(None, description="Default: <inbox>/error.")

    def path(self, role: FolderRole) -> str:
        """The remote path of the folder playing ``role``."""
        if role == "done":
            return self.done or posixpath.join(self.inbox, "done")
        if role == "error":
            return self.error or posixpath.join(self.inbox, "error")
        folder: str = getattr(self, role)
        return folder


class SftpTimeouts(_Model):
    """Timeouts in seconds for each phase of a connection."""

    connect: float = Field(10.0, gt=0, description="Opening the TCP connection.")
    handshake: float = Field(15.0, gt=0, description="Banner and key exchange.")
    auth: float = Field(15.0, gt=0, description="Authentication.")
    operation: float = Field(30.0, gt=0, description="Opening the channel and each SFTP request.")


class SftpConfig(_Model):
    """Everything needed to reach one SFTP server and find its folders."""

    name: str | None = Field(None, description="Label used in logs and errors, e.g. the partner.")
    host: str = Field(min_length=1)
    port: int = Field(22, ge=1, le=65535)
    username: str = Field(min_length=1)
    auth: Auth
    host_key: HostKeyCheck
    folders: Folders = Folders()
    timeouts: SftpTimeouts = SftpTimeouts()
    chunk_size: int = Field(64 * 1024, ge=4096, le=1024 * 1024, description="Bytes per read.")
    reconnect_attempts: int = Field(
        1, ge=0, le=5, description="Reconnects per operation after a dropped connection."
    )
    reconnect_delay: float = Field(0.2, ge=0, le=30, description="Seconds before reconnecting.")
    keepalive: int = Field(30, ge=0, description="Seconds between keepalives (0 = none).")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SftpConfig:
        """Validate ``data``; raise ConfigError naming each bad field, never its value."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(f"invalid SFTP settings: {describe_errors(exc)}") from None


def describe_errors(exc: ValidationError) -> str:
    """One line per problem: the field's dotted path and pydantic's message, no input."""
    lines = []
    for error in exc.errors(include_input=False, include_url=False, include_context=False):
        where = ".".join(str(part) for part in error["loc"]) or "(root)"
        message = re.sub(r"^Value error, ", "", error["msg"])
        lines.append(f"{where}: {message}")
    return "; ".join(lines)


__all__ = [
    "Auth",
    "FolderRole",
    "Folders",
    "HostKeyCheck",
    "KeyAuth",
    "PasswordAuth",
    "SftpConfig",
    "SftpTimeouts",
]
