"""Keep secrets and URL credentials out of log records and error messages."""

from __future__ import annotations

import logging
import re
import threading

MASK = "***"

# RFC 3986 user-info characters plus "@", so that an unencoded "@" inside a password is
# still swallowed up to the last "@" before the host.
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)[A-Za-z0-9\-._~%!$&'()*+,;=:@]+@")

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None


def register_secret(value: str | None) -> None:
    """Remember a secret value so that `redact` removes it wherever it appears."""
    global _pattern
    if not value:
        return
    with _lock:
        if value in _secrets:
            return
        _secrets.add(value)
        # Longest first, so a secret that contains another is removed whole.
        ordered = sorted(_secrets, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(secret) for secret in ordered))


def redact(text: str) -> str:
    """Return `text` with registered secrets and URL user-info replaced by ``***``."""
    pattern = _pattern
    if pattern is not None:
        text = pattern.sub(MASK, text)
    return _USERINFO.sub(lambda match: f"{match.group('scheme')}{MASK}@", text)


def redact_exception(exc: BaseException) -> str:
    """Describe an exception as ``Class: message`` with secrets removed."""
    message = str(exc)
    name = type(exc).__name__
    return redact(f"{name}: {message}" if message else name)


class RedactingFilter(logging.Filter):
    """A logging filter that redacts the message, its arguments and any traceback text."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drops a record."""
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not hide the secret it carries
            message = f"{record.msg} {record.args}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            if not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(record.exc_text)
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install(logger: logging.Logger | None = None) -> RedactingFilter:
    """Attach one `RedactingFilter` to `logger` (root by default) and to its handlers.

    Logger filters do not see records propagated from child loggers, so the filter also
    goes on every handler the logger has now; call again after adding handlers.
    """
    target = logger if logger is not None else logging.getLogger()
    existing = next((f for f in target.filters if isinstance(f, RedactingFilter)), None)
    active = existing if existing is not None else RedactingFilter()
    if existing is None:
        target.addFilter(active)
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(active)
    return active


def _bridge_connector_secrets() -> None:
    # Connectors resolve secrets (profiles, partner files) without importing the hub; the
    # hub subscribes so that every secret they learn is also redacted from hub logs.
    from connectors.errors import add_secret_listener

    add_secret_listener(register_secret)


_bridge_connector_secrets()
