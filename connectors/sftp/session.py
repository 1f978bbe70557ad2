"""Opening one SFTP session: TCP, SSH handshake, host key check, auth, SFTP channel."""

from __future__ import annotations

import contextlib
import io
import logging
import socket
from collections.abc import Mapping
from dataclasses import dataclass

import paramiko

from connectors.errors import AuthError, ConfigError, ConnectionFailed, Timeout
from connectors.secrets import resolve_secret
from connectors.sftp.config import KeyAuth, SftpConfig
from connectors.sftp.hostkeys import HostKeyVerifier

logger = logging.getLogger("connectors.sftp")

_KEY_CLASSES: tuple[type[paramiko.PKey], ...] = (
    paramiko.Ed25519Key,
    paramiko.ECDSAKey,
    paramiko.RSAKey,
)


@dataclass
class Session:
    """A live SSH transport and the SFTP client running over it."""

    transport: paramiko.Transport
    sftp: paramiko.SFTPClient
    host_key_fingerprint: str

    def alive(self) -> bool:
        """True while the transport and the SFTP channel are both open."""
        return bool(self.transport.is_active()) and not self.sftp.get_channel().closed  # type: ignore[union-attr]

    def close(self) -> None:
        """Close the SFTP channel and the transport, ignoring errors of a dead link."""
        for closer in (self.sftp.close, self.transport.close):
            with contextlib.suppress(OSError, EOFError, paramiko.SSHException):
                closer()


class Credentials:
    """Resolves the configured secret references once, on first use, and keeps the result."""

    def __init__(self, config: SftpConfig, environ: Mapping[str, str] | None) -> None:
        self._config = config
        self._environ = environ
        self._pkey: paramiko.PKey | None = None

    def authenticate(self, transport: paramiko.Transport) -> None:
        """Authenticate ``transport``; raise AuthError naming user and host, never the secret."""
        config = self._config
        auth = config.auth
        where = f"{config.username}@{config.host}:{config.port}"
        try:
            if isinstance(auth, KeyAuth):
                transport.auth_publickey(config.username, self._private_key(auth))
            else:
                password = resolve_secret(auth.password, environ=self._environ)
                transport.auth_password(
                    config.username, password.get_secret_value(), fallback=False
                )
        except paramiko.BadAuthenticationType as exc:
            raise AuthError(
                f"server {where} does not accept {auth.kind} authentication "
                f"(it allows: {', '.join(exc.allowed_types)})",
                system=config.name,
                operation="auth",
            ) from None
        except paramiko.AuthenticationException:
            raise AuthError(
                f"server {where} refused {auth.kind} authentication",
                system=config.name,
                operation="auth",
            ) from None
        except (OSError, EOFError, paramiko.SSHException) as exc:
            raise ConnectionFailed(
                f"connection to {where} failed during authentication: {type(exc).__name__}",
                system=config.name,
                operation="auth",
            ) from None
        if not transport.is_authenticated():
            raise AuthError(f"server {where} did not complete authentication", system=config.name)

    def _private_key(self, auth: KeyAuth) -> paramiko.PKey:
        if self._pkey is None:
            text = resolve_secret(auth.private_key, environ=self._environ).get_secret_value()
            passphrase = (
                resolve_secret(auth.passphrase, environ=self._environ).get_secret_value()
                if auth.passphrase
                else None
            )
            self._pkey = load_private_key(text, passphrase)
        return self._pkey


def load_private_key(text: str, passphrase: str | None) -> paramiko.PKey:
    """Parse an OpenSSH or PEM private key (ed25519, ECDSA, RSA); ConfigError if unusable."""
    if not text.endswith("\n"):
        text += "\n"  # file: references drop the trailing newline
    encrypted = False
    for cls in _KEY_CLASSES:
        try:
            return cls.from_private_key(io.StringIO(text), password=passphrase)
        except paramiko.PasswordRequiredException:
            encrypted = True
        except (paramiko.SSHException, ValueError, TypeError, IndexError):
            continue
    if encrypted and passphrase is None:
        raise ConfigError("the private key is encrypted; set auth.passphrase to a reference")
    raise ConfigError(
        "the private key could not be loaded: not an ed25519, ECDSA or RSA key, "
        "or the passphrase is wrong"
    )


def open_session(
    config: SftpConfig, verifier: HostKeyVerifier, credentials: Credentials
) -> Session:
    """Connect, verify the host key before sending anything, authenticate, start SFTP."""
    where = f"{config.host}:{config.port}"
    timeouts = config.timeouts
    try:
        sock = socket.create_connection((config.host, config.port), timeout=timeouts.connect)
    except TimeoutError:
        raise Timeout(
            f"connecting to {where} timed out after {timeouts.connect} s",
            system=config.name,
            operation="connect",
        ) from None
    except OSError as exc:
        raise ConnectionFailed(
            f"cannot connect to {where}: {exc.strerror or exc}",
            system=config.name,
            operation="connect",
        ) from None

    transport = paramiko.Transport(sock)
    try:
        transport.banner_timeout = timeouts.handshake
        transport.handshake_timeout = timeouts.handshake
        transport.auth_timeout = timeouts.auth
        transport.channel_timeout = timeouts.operation
        options = transport.get_security_options()
        options.key_types = verifier.preferred_key_types(tuple(options.key_types))
        try:
            transport.start_client(timeout=timeouts.handshake)
        except (OSError, EOFError, paramiko.SSHException) as exc:
            raise ConnectionFailed(
                f"SSH handshake with {where} failed: {exc or type(exc).__name__}",
                system=config.name,
                operation="connect",
            ) from None
        # The key is checked before authentication: an impostor never sees a credential.
        host_fingerprint = verifier.verify(transport.get_remote_server_key())
        credentials.authenticate(transport)
        if config.keepalive:
            transport.set_keepalive(config.keepalive)
        try:
            sftp = paramiko.SFTPClient.from_transport(transport)
        except (OSError, EOFError, paramiko.SSHException) as exc:
            raise ConnectionFailed(
                f"cannot open the SFTP subsystem on {where}: {exc or type(exc).__name__}",
                system=config.name,
                operation="connect",
            ) from None
        if sftp is None:
            raise ConnectionFailed(f"cannot open an SFTP channel on {where}", system=config.name)
        sftp.get_channel().settimeout(timeouts.operation)  # type: ignore[union-attr]
    except BaseException:
        transport.close()
        raise
    logger.info(
        "SFTP connected to %s as %s (host key %s)", where, config.username, host_fingerprint
    )
    return Session(transport=transport, sftp=sftp, host_key_fingerprint=host_fingerprint)


__all__ = ["Credentials", "Session", "load_private_key", "open_session"]
