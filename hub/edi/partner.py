"""Trading-partner profiles: one YAML file per partner under partners/, checked by this model."""

from __future__ import annotations

import json
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any, Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from connectors.errors import ConfigError
from connectors.sftp import SftpConfig
from connectors.sftp.config import describe_errors

PARTNERS_DIR: Final = Path(__file__).resolve().parent.parent.parent / "partners"
SCHEMA_PATH: Final = PARTNERS_DIR / "partner.schema.json"
SCHEMA_ID: Final = "urn:integration-hub:edi-partner:1"
PARTNER_ID: Final = r"^[A-Z0-9][A-Z0-9_-]{0,31}$"
SECRET_REF: Final = r"^(env|file|airflow):.+$"  # noqa: S105 (a pattern, not a secret)
FINGERPRINT: Final = r"^SHA256:[A-Za-z0-9+/]{43}$"

X12_DOCUMENTS = ("850", "855", "856", "810", "846", "997", "TA1")
EDIFACT_DOCUMENTS = ("ORDERS", "ORDRSP", "DESADV", "INVOIC", "INVRPT", "CONTRL")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class Identity(_Model):
    """An interchange party: its id and id qualifier (ISA05/07, UNB S002/S003 0007)."""

    id: str = Field(min_length=1, max_length=35, description="ISA06/ISA08 or UNB sender/recipient")
    qualifier: str = Field(
        "", max_length=4, description="ISA05/ISA07 (e.g. ZZ, 01, 12) or EDIFACT 0007 (14 = GLN)"
    )
    group_id: str | None = Field(
        None, max_length=35, description="GS02/GS03 application id; defaults to `id`"
    )


class X12Separators(_Model):
    """Delimiters we write to this partner."""

    element: str = Field("*", min_length=1, max_length=1)
    component: str = Field(">", min_length=1, max_length=1)
    segment: str = Field("~", min_length=1, max_length=1)
    repetition: str | None = Field("^", min_length=1, max_length=1)
    newline: bool = Field(True, description="Write a line break after each segment.")


class EdifactSeparators(_Model):
    """Service characters (UNA) we write to this partner."""

    component: str = Field(":", min_length=1, max_length=1)
    element: str = Field("+", min_length=1, max_length=1)
    decimal: Literal[".", ","] = "."
    release: str = Field("?", min_length=1, max_length=1)
    repetition: str = Field(" ", min_length=1, max_length=1)
    terminator: str = Field("'", min_length=1, max_length=1)
    newline: bool = Field(True, description="Write a line break after each segment.")


class Documents(_Model):
    """Document types exchanged, per direction (X12 numbers or EDIFACT message names)."""

    inbound: tuple[str, ...] = Field(description="What the partner sends us, e.g. [850, 997].")
    outbound: tuple[str, ...] = Field(description="What we send, e.g. [855, 856, 810, 997].")


class Acknowledgements(_Model):
    """Functional acknowledgements (997 / CONTRL) in both directions."""

    send: bool = Field(True, description="Acknowledge every interchange the partner sends.")
    expect: bool = Field(True, description="The partner acknowledges what we send.")
    due_hours: float = Field(24, gt=0, le=24 * 30, description="How soon their ack is due.")
    request_ta1: bool = Field(False, description="X12: ISA14 = 1 on what we send.")

    @property
    def due(self) -> timedelta:
        """The acknowledgement window as a timedelta."""
        return timedelta(hours=self.due_hours)


class HostKey(_Model):
    """How the partner's server key is verified (one of the two)."""

    fingerprint: str | None = Field(None, pattern=FINGERPRINT)
    known_hosts: str | None = None

    @model_validator(mode="after")
    def _one(self) -> HostKey:
        if (self.fingerprint is None) == (self.known_hosts is None):
            raise ValueError("set exactly one of fingerprint or known_hosts")
        return self


class SftpFolders(_Model):
    """Remote folders seen by our login: inbox (they send), outbox (we send), archive."""

    inbox: str = "inbox"
    outbox: str = "outbox"
    archive: str = "archive"
    done: str | None = None
    error: str | None = None


class SftpConnection(_Model):
    """Where the partner's mailbox is and how we log in to it."""

    host: str = Field(min_length=1)
    port: int = Field(22, ge=1, le=65535)
    user: str = Field(min_length=1)
    key: str = Field(pattern=SECRET_REF, description="Private key text by reference.")
    passphrase: str | None = Field(None, pattern=SECRET_REF)
    host_key: HostKey
    folders: SftpFolders = SftpFolders()
    archive_remote: bool = Field(
        True, description="Also copy each received file to the remote archive folder."
    )
    timeout: float = Field(30, gt=0, description="Seconds per operation.")
    stale_claim_minutes: int = Field(
        30,
        ge=1,
        description="A file claimed (renamed to .processing) longer ago than this was left"
        " by a worker that died: it is renamed back and received again. Longer than the"
        " slowest file takes to receive.",
    )

    def connector_config(self, name: str) -> SftpConfig:
        """The SFTP connector settings for this connection."""
        data: dict[str, Any] = {
            "name": name,
            "host": self.host,
            "port": self.port,
            "username": self.user,
            "auth": {"kind": "key", "private_key": self.key, "passphrase": self.passphrase},
            "host_key": self.host_key.model_dump(exclude_none=True),
            "folders": self.folders.model_dump(exclude_none=True),
            "timeouts": {
                "connect": min(self.timeout, 10),
                "handshake": self.timeout,
                "auth": self.timeout,
                "operation": self.timeout,
            },
        }
        return SftpConfig.from_dict(data)


class PartyMapping(_Model):
    """One of the partner's party ids and what it is on our side."""

    theirs: str = Field(description="The partner's id (store number, DC code...).")
    gln: str | None = Field(None, pattern=r"^\d{13}$")
    ours: str | None = Field(None, description="Our id for the party (customer/warehouse).")


class Mappings(_Model):
    """Partner-specific codes: their item ids and unit codes, their party ids."""

    items: dict[str, str] = Field(default_factory=dict, description="Their item id -> our sku.")
    units: dict[str, str] = Field(
        default_factory=dict, description="Their unit code -> UN/ECE Rec 20 (e.g. CA: CS)."
    )
    parties: tuple[PartyMapping, ...] = ()


class PartnerProfile(_Model):
    """One trading partner: identities, standard, documents, acknowledgements, SFTP, codes."""

    id: str = Field(pattern=PARTNER_ID, description="Our name for the partner, e.g. ACME-SUPPLY.")
    name: str = Field(min_length=1)
    role: Literal["retail_customer", "supplier"]
    standard: Literal["x12", "edifact"]
    version: str = Field(description="X12 GS08 (004010) or EDIFACT directory (D96A).")
    syntax: str = Field("", description="X12 ISA12 (00401) or EDIFACT syntax identifier (UNOC:3).")
    ours: Identity = Field(description="Our interchange identity towards this partner.")
    theirs: Identity = Field(description="The partner's interchange identity.")
    usage: Literal["test", "production"] = "production"
    x12_separators: X12Separators = X12Separators()
    edifact_separators: EdifactSeparators = EdifactSeparators()
    documents: Documents
    acknowledgements: Acknowledgements = Acknowledgements()
    sftp: SftpConnection
    mappings: Mappings = Mappings()
    currency: str = Field("EUR", pattern=r"^[A-Z]{3}$")
    country: str = Field("DE", pattern=r"^[A-Z]{2}$")
    max_file_mb: int = Field(64, ge=1, le=2048, description="Larger files are quarantined.")

    @model_validator(mode="after")
    def _documents_known(self) -> PartnerProfile:
        known = X12_DOCUMENTS if self.standard == "x12" else EDIFACT_DOCUMENTS
        for doc in (*self.documents.inbound, *self.documents.outbound):
            if doc not in known:
                raise ValueError(f"{doc} is not a {self.standard} document we handle: {known}")
        if self.standard == "x12" and not re.fullmatch(r"\d{6}[A-Z0-9]*", self.version):
            raise ValueError("an X12 version looks like 004010")
        if self.standard == "edifact" and not re.fullmatch(r"D\d{2}[A-Z]", self.version):
            raise ValueError("an EDIFACT directory looks like D96A")
        return self

    @property
    def test(self) -> bool:
        """True when interchanges carry the test indicator."""
        return self.usage == "test"

    @property
    def ack_type(self) -> str:
        """The functional acknowledgement of this standard."""
        return "997" if self.standard == "x12" else "CONTRL"


def partners_dir() -> Path:
    """Folder holding partner files: HUB_PARTNERS_DIR, else the repository's partners/."""
    override = os.environ.get("HUB_PARTNERS_DIR")
    return Path(override) if override else PARTNERS_DIR


def load_profile_file(path: Path) -> PartnerProfile:
    """Read and check one partner file; ConfigError names each bad field, never a value."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read partner file {path}: {exc}") from None
    try:
        return PartnerProfile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"invalid partner file {path}: {describe_errors(exc)}") from None


def load_partner(partner_id: str, folder: Path | None = None) -> PartnerProfile:
    """The profile whose id is ``partner_id`` among the files in ``folder``."""
    for profile in iter_profiles(folder):
        if profile.id == partner_id:
            return profile
    raise ConfigError(f"no partner profile with id {partner_id!r} in {folder or partners_dir()}")


def iter_profiles(folder: Path | None = None) -> list[PartnerProfile]:
    """Every partner profile in ``folder`` (default: partners_dir()), sorted by file name."""
    base = folder or partners_dir()
    return [load_profile_file(p) for p in sorted(base.glob("*.yaml"))]


def partner_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a partner file."""
    body = PartnerProfile.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **body}


def render_schema() -> str:
    """The schema as committed: stable order, trailing newline."""
    return json.dumps(partner_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    """Regenerate partners/partner.schema.json."""
    path.write_text(render_schema(), encoding="utf-8")
    return path
