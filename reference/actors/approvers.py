"""Approvers: people who decide their open OA tasks by a policy, through the OA API only."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import requests

from reference.actors.base import Actor
from reference.registry import get_spec
from reference.seed.world import World

log = logging.getLogger(__name__)

# Default approval limits per role, in the definition's currency (EUR). Above the OA's
# routing thresholds (finance steps in above 1,000 / 3,000 / 5,000, the CEO above 50,000 /
# 100,000), so a request routed to someone is usually theirs to approve, and low enough
# that a big credit-limit request is turned down by finance, visibly, with a comment.
DEFAULT_LIMITS: dict[str, Decimal] = {
    "manager": Decimal("10000.00"),
    "finance": Decimal("250000.00"),
    "ceo": Decimal("1000000.00"),
}


@dataclass(frozen=True)
class Policy:
    """How one approver decides: approve up to ``limit``, reject above it with a comment.

    ``limits`` overrides the limit per process definition (``{"credit_limit": ...}``);
    ``reject_kinds`` are definitions this approver always rejects. Deterministic: the same
    task always gets the same decision and the same comment.
    """

    limit: Decimal
    limits: Mapping[str, Decimal] = field(default_factory=dict)
    reject_kinds: frozenset[str] = frozenset()

    def limit_for(self, kind: str) -> Decimal:
        return self.limits.get(kind, self.limit)

    def decide(self, kind: str, amount: Decimal | None, currency: str) -> tuple[str, str]:
        """``(decision, comment)`` for a task of definition ``kind`` over ``amount``."""
        if kind in self.reject_kinds:
            return "reject", f"{kind} requests are not approved by this approver"
        if amount is None:
            return "reject", "the request carries no valid amount"
        limit = self.limit_for(kind)
        if amount <= limit:
            return "approve", f"approved: {amount} {currency} is within my limit"
        return "reject", f"{amount} {currency} exceeds my approval limit of {limit} {currency}"


def _amount(variables: Mapping[str, Any]) -> Decimal | None:
    raw = (variables.get("amount") or {}).get("value")
    try:
        return None if raw is None else Decimal(str(raw))
    except InvalidOperation:
        return None


class Approver(Actor):
    """One OA user deciding their open tasks with their own bearer token."""

    def __init__(
        self,
        base_url: str,
        user: str,
        token: str,
        policy: Policy,
        *,
        interval: float = 0.2,
        timeout: float = 10.0,
    ) -> None:
        super().__init__(interval=interval, name=f"approver-{user}")
        self.base_url = base_url.rstrip("/")
        self.user = user
        self.policy = policy
        self.timeout = timeout
        self.decisions: list[tuple[str, str, str]] = []  # (business key, decision, comment)
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Bearer {token}"

    def open_tasks(self) -> list[dict[str, Any]]:
        """This approver's open tasks, oldest first."""
        response = self._session.get(
            f"{self.base_url}/tasks",
            params={"assignee": self.user, "maxResults": "100"},
            timeout=self.timeout,
        )
        response.raise_for_status()
        tasks: list[dict[str, Any]] = response.json()
        return tasks

    def step(self) -> int:
        """Decide every open task by the policy; returns how many were decided."""
        decided = 0
        for task in self.open_tasks():
            variables = task.get("variables") or {}
            kind = str(task.get("processDefinitionKey", ""))
            currency = str((variables.get("currency") or {}).get("value") or "EUR")
            decision, comment = self.policy.decide(kind, _amount(variables), currency)
            response = self._session.post(
                f"{self.base_url}/tasks/{task['id']}/complete",
                json={"decision": decision, "comment": comment},
                timeout=self.timeout,
            )
            if response.status_code == 409:
                continue  # completed meanwhile (another round, another thread)
            response.raise_for_status()
            self.decisions.append((str(task.get("businessKey", "")), decision, comment))
            decided += 1
        return decided

    def stop(self, timeout: float = 5.0) -> None:
        super().stop(timeout)
        self._session.close()


class ApproverTeam(Actor):
    """Several approvers worked in one thread, in a fixed order (deterministic rounds)."""

    def __init__(self, approvers: Iterable[Approver], *, interval: float = 0.2) -> None:
        super().__init__(interval=interval, name="approvers")
        self.approvers = list(approvers)

    def step(self) -> int:
        # A decision may open the next step's task for a later approver: loop until quiet.
        total = 0
        while True:
            done = sum(approver.step() for approver in self.approvers)
            total += done
            if done == 0:
                return total

    def stop(self, timeout: float = 5.0) -> None:
        super().stop(timeout)
        for approver in self.approvers:
            approver.stop(timeout)

    def by_user(self, user: str) -> Approver:
        for approver in self.approvers:
            if approver.user == user:
                return approver
        raise KeyError(f"no approver {user!r} in the team")


def approver_token(user: str) -> str:
    """The approver's own OA token, from the OA spec's demo credentials."""
    return get_spec("oa").credentials[f"approver_token_{user}"]


def approver_team(
    base_url: str,
    world: World | None = None,
    *,
    policies: Mapping[str, Policy] | None = None,
    role_limits: Mapping[str, Decimal] | None = None,
    interval: float = 0.2,
) -> ApproverTeam:
    """One approver per seeded approver of ``world``, each with its own token and policy.

    ``policies`` (by user) replace the default policy, which approves up to the role's
    limit (``role_limits`` over :data:`DEFAULT_LIMITS`).
    """
    limits = {**DEFAULT_LIMITS, **(role_limits or {})}
    chosen = policies or {}
    members = []
    for person in (world or World()).approvers:
        policy = chosen.get(person.user) or Policy(limits.get(person.role, Decimal("0.00")))
        members.append(Approver(base_url, person.user, approver_token(person.user), policy))
    return ApproverTeam(members, interval=interval)
