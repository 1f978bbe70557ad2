"""WS-Security UsernameToken checks (PasswordText and PasswordDigest with nonce+created)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from lxml import etree

from reference.erp.soap.faults import SoapFault

WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
TOKEN_PROFILE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0"  # noqa: S105
PASSWORD_TEXT = f"{TOKEN_PROFILE}#PasswordText"
PASSWORD_DIGEST = f"{TOKEN_PROFILE}#PasswordDigest"
# A digest's Created must be this fresh; nonces are remembered this long to stop replays.
FRESHNESS = timedelta(minutes=5)


def _auth_fault(message: str = "authentication failed") -> SoapFault:
    return SoapFault(message, code="AUTH", field="Security")


@dataclass
class UsernameTokenVerifier:
    """Checks the UsernameToken of a request header against one demo account."""

    user: str
    password: str = field(repr=False)
    max_nonces: int = 10_000
    _nonces: OrderedDict[str, datetime] = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def verify(self, header: etree._Element | None, now: datetime) -> str:
        """The authenticated user name; an AUTH fault (never naming the secret) otherwise."""
        token = self._token(header)
        username = (token.findtext(f"{{{WSSE}}}Username") or "").strip()
        password = token.find(f"{{{WSSE}}}Password")
        if not username or password is None:
            raise _auth_fault("UsernameToken needs Username and Password")
        kind = password.get("Type") or PASSWORD_TEXT
        given = password.text or ""
        if kind == PASSWORD_TEXT:
            ok = hmac.compare_digest(given.encode(), self.password.encode())
        elif kind == PASSWORD_DIGEST:
            ok = self._digest_ok(token, given, now)
        else:
            raise _auth_fault("unsupported password type")
        # Compare the user too, in constant time, so the answer does not tell which was wrong.
        user_ok = hmac.compare_digest(username.encode(), self.user.encode())
        if not (ok and user_ok):
            raise _auth_fault()
        return username

    @staticmethod
    def _token(header: etree._Element | None) -> etree._Element:
        if header is None:
            raise _auth_fault("WS-Security header required")
        security = header.find(f"{{{WSSE}}}Security")
        token = None if security is None else security.find(f"{{{WSSE}}}UsernameToken")
        if token is None:
            raise _auth_fault("WS-Security UsernameToken required")
        return token

    def _digest_ok(self, token: etree._Element, given: str, now: datetime) -> bool:
        nonce_text = (token.findtext(f"{{{WSSE}}}Nonce") or "").strip()
        created = (token.findtext(f"{{{WSU}}}Created") or "").strip()
        if not nonce_text or not created:
            raise _auth_fault("PasswordDigest needs Nonce and Created")
        try:
            nonce = base64.b64decode(nonce_text, validate=True)
            when = datetime.fromisoformat(created.replace("Z", "+00:00"))
        except (binascii.Error, ValueError):
            raise _auth_fault("malformed Nonce or Created") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        if abs(now - when) > FRESHNESS:
            raise _auth_fault("Created outside the allowed window")
        # The UsernameToken profile fixes SHA-1; it is not our choice.
        digest = hashlib.sha1(nonce + created.encode() + self.password.encode())  # noqa: S324
        expected = base64.b64encode(digest.digest()).decode()
        if not hmac.compare_digest(given.strip().encode(), expected.encode()):
            return False
        self._remember_nonce(nonce_text, now)
        return True

    def _remember_nonce(self, nonce: str, now: datetime) -> None:
        with self._lock:
            while self._nonces:
                oldest, seen = next(iter(self._nonces.items()))
                if now - seen <= FRESHNESS and len(self._nonces) < self.max_nonces:
                    break
                del self._nonces[oldest]
            if nonce in self._nonces:
                raise _auth_fault("nonce already used")
            self._nonces[nonce] = now
