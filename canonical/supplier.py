"""Supplier: the party master fields plus qualification, scorecard and bank details.

Bank details are secret-class: held as ``SecretStr`` so repr and logs show ``**********``;
JSON serialisation reveals them, because the ERP has to receive them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, Self

from pydantic import ConfigDict, Field, SecretStr, field_serializer, model_validator

from canonical.base import CanonicalModel, invariant_error
from canonical.checks import is_valid_iban
from canonical.decimals import NonNegativeDec
from canonical.party import PartyMaster
from canonical.scalars import Code, Identifier, Name

QualificationStatus = Literal["onboarding", "approved", "suspended", "blocked"]
RiskRating = Literal["low", "medium", "high", "critical"]
Percent = Annotated[NonNegativeDec, Field(le=100)]


class Certificate(CanonicalModel):
    """A certificate the supplier holds (ISO 9001, ...)."""

    type: Code
    number: Identifier
    valid_to: date | None = None


class Scorecard(CanonicalModel):
    """Supplier performance figures."""

    on_time_percent: Percent | None = None
    fill_rate_percent: Percent | None = None
    quality_ppm: NonNegativeDec | None = None


class BankAccount(CanonicalModel):
    """A bank account; IBAN and BIC never appear in repr, logs or validation errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    iban: SecretStr
    bic: SecretStr | None = None
    account_holder: Name | None = None

    @model_validator(mode="after")
    def _valid(self) -> Self:
        # Error messages must not echo the secret, so they name the field only.
        if not is_valid_iban(self.iban.get_secret_value()):
            raise invariant_error("iban_invalid", "iban", "not a valid IBAN (mod-97 check)")
        bic = self.bic.get_secret_value() if self.bic is not None else None
        if bic is not None and not (
            len(bic) in (8, 11) and bic[:6].isalpha() and bic.isalnum() and bic.isupper()
        ):
            raise invariant_error("bic_invalid", "bic", "not a valid BIC")
        return self

    @field_serializer("iban", "bic", when_used="json")
    def _reveal(self, value: SecretStr | None) -> str | None:
        return None if value is None else value.get_secret_value()


class Supplier(PartyMaster):
    """A supplier the company buys from."""

    supplier_number: Identifier
    qualification_status: QualificationStatus = "onboarding"
    certificates: tuple[Certificate, ...] = ()
    risk_rating: RiskRating | None = None
    scorecard: Scorecard | None = None
    default_lead_time_days: int | None = Field(default=None, ge=0)
    bank_accounts: tuple[BankAccount, ...] = ()
    edi_partner_profile: Identifier | None = None
