"""Auth kinds: how a connector proves who it is. Every secret field takes a reference."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from connectors.profile.common import SecretRef, StrictModel


class NoAuth(StrictModel):
    """No credentials."""

    kind: Literal["none"] = "none"


class ApiKeyHeaderAuth(StrictModel):
    """An API key sent in a request header."""

    kind: Literal["api_key_header"]
    header: str = Field("X-API-Key", description="Header that carries the key.")
    key: SecretRef = Field(description="Reference to the API key.")


class ApiKeyQueryAuth(StrictModel):
    """An API key sent as a query parameter (scrubbed from every error message)."""

    kind: Literal["api_key_query"]
    param: str = Field("api_key", description="Query parameter that carries the key.")
    key: SecretRef = Field(description="Reference to the API key.")


class BasicAuth(StrictModel):
    """HTTP basic authentication."""

    kind: Literal["basic"]
    username: str = Field(description="User name, literal or a secret reference.")
    password: SecretRef = Field(description="Reference to the password.")


class BearerAuth(StrictModel):
    """A static bearer token."""

    kind: Literal["bearer"]
    token: SecretRef = Field(description="Reference to the token.")


class OAuth2ClientCredentialsAuth(StrictModel):
    """OAuth2 client credentials: a token fetched, cached and refreshed before it expires."""

    kind: Literal["oauth2_client_credentials"]
    token_url: str = Field(description="Token endpoint, absolute or relative to base_url.")
    client_id: str = Field(description="Client id, literal or a secret reference.")
    client_secret: SecretRef = Field(description="Reference to the client secret.")
    scope: str | None = Field(None, description="Space-separated scopes to ask for.")
    audience: str | None = Field(None, description="Audience parameter, for servers that want one.")
    client_auth: Literal["basic", "body"] = Field(
        "basic", description="Send client credentials by HTTP basic or in the form body."
    )
    refresh_skew_seconds: float = Field(
        30.0, ge=0, description="Refresh this long before expiry (at most 10% of the lifetime)."
    )


class WsSecurityUsernameTokenAuth(StrictModel):
    """WS-Security UsernameToken, for SOAP systems."""

    kind: Literal["ws_security_username_token"]
    username: str = Field(description="User name, literal or a secret reference.")
    password: SecretRef = Field(description="Reference to the password.")
    password_type: Literal["digest", "text"] = Field(
        "digest", description="PasswordDigest (nonce + created) or PasswordText."
    )


Auth = Annotated[
    NoAuth
    | ApiKeyHeaderAuth
    | ApiKeyQueryAuth
    | BasicAuth
    | BearerAuth
    | OAuth2ClientCredentialsAuth
    | WsSecurityUsernameTokenAuth,
    Field(discriminator="kind"),
]
