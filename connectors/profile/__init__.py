"""System profiles: a system described as data (URL, auth, entities, paging), validated.

A profile is a YAML file checked against the `Profile` model. The JSON Schema generated
from the model is committed at ``connectors/schema/profile.schema.json`` so editors can
autocomplete profiles (``# yaml-language-server: $schema=...``); regenerate it with
``python -m connectors.profile`` after changing a model.

Secrets never appear in a profile: every secret field takes a reference (see
`connectors.secrets`), and a literal value is refused with an error naming the field.

Modules: ``common`` (base model, secret references, timeouts, retry, rate limit), ``auth``,
``pagination``, ``entity``, ``system`` (`Profile`), ``loader`` (YAML, ``${VAR}`` in URL
fields, error messages), ``legacy`` (the deprecated ``soap:`` block) and ``schema``.
"""

from __future__ import annotations

from connectors.profile.auth import (
    ApiKeyHeaderAuth,
    ApiKeyQueryAuth,
    Auth,
    BasicAuth,
    BearerAuth,
    NoAuth,
    OAuth2ClientCredentialsAuth,
    WsSecurityUsernameTokenAuth,
)
from connectors.profile.common import (
    SECRET_WORDS,
    RateLimit,
    RetryPolicy,
    SecretRef,
    StrictModel,
    Timeouts,
)
from connectors.profile.entity import Entity, Incremental, WriteSpec
from connectors.profile.legacy import (
    SoapEntityOptions,
    SoapOptions,
    merge_soap_block,
    parse_soap_block,
)
from connectors.profile.loader import (
    INTERPOLATED_FIELDS,
    describe_validation_error,
    interpolate,
    load_profile,
    load_profiles,
    parse_profile,
    read_document,
)
from connectors.profile.pagination import (
    EPOCH,
    ContinuationTokenPagination,
    CursorBodyPagination,
    LinkHeaderPagination,
    NextUrlBodyPagination,
    NoPagination,
    OffsetLimitPagination,
    PageNumberPagination,
    Pagination,
)
from connectors.profile.schema import (
    SCHEMA_ID,
    SCHEMA_PATH,
    profile_json_schema,
    render_profile_schema,
    write_profile_schema,
)
from connectors.profile.system import Profile

__all__ = [
    "EPOCH",
    "INTERPOLATED_FIELDS",
    "SCHEMA_ID",
    "SCHEMA_PATH",
    "SECRET_WORDS",
    "ApiKeyHeaderAuth",
    "ApiKeyQueryAuth",
    "Auth",
    "BasicAuth",
    "BearerAuth",
    "ContinuationTokenPagination",
    "CursorBodyPagination",
    "Entity",
    "Incremental",
    "LinkHeaderPagination",
    "NextUrlBodyPagination",
    "NoAuth",
    "NoPagination",
    "OAuth2ClientCredentialsAuth",
    "OffsetLimitPagination",
    "PageNumberPagination",
    "Pagination",
    "Profile",
    "RateLimit",
    "RetryPolicy",
    "SecretRef",
    "SoapEntityOptions",
    "SoapOptions",
    "StrictModel",
    "Timeouts",
    "WriteSpec",
    "WsSecurityUsernameTokenAuth",
    "describe_validation_error",
    "interpolate",
    "load_profile",
    "load_profiles",
    "merge_soap_block",
    "parse_profile",
    "parse_soap_block",
    "profile_json_schema",
    "read_document",
    "render_profile_schema",
    "write_profile_schema",
]
