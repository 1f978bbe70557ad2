"""Where a deployment keeps its flows, profiles and mappings, and its state store."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from hub.flows.build import BuiltFlow, build_context
from hub.flows.loader import FlowError, load_flows
from hub.flows.model import FlowSpec

# Defaults for a source checkout; deployments point elsewhere with HUB_*_DIR variables.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FLOWS = PROJECT_ROOT / "flows"
DEFAULT_PROFILES = PROJECT_ROOT / "connectors" / "profiles"
DEFAULT_MAPPINGS = PROJECT_ROOT / "mappings"


@dataclass(frozen=True)
class Workspace:
    """The three folders a flow run needs, and the environment its connectors read."""

    flows: Path = DEFAULT_FLOWS
    profiles: Path = DEFAULT_PROFILES
    mappings: Path = DEFAULT_MAPPINGS
    environ: Mapping[str, str] | None = None

    def all_flows(self) -> dict[str, FlowSpec]:
        """Every flow of the flows folder, by name."""
        return load_flows(self.flows)

    def flow(self, name: str) -> FlowSpec:
        """One flow by name; `FlowError` naming the known ones when there is none."""
        flows = self.all_flows()
        if name not in flows:
            known = ", ".join(sorted(flows)) or "none"
            raise FlowError(str(self.flows), [f"no flow named {name!r} (known: {known})"])
        return flows[name]

    def build(self, flow: FlowSpec) -> BuiltFlow:
        """The flow made runnable (connectors open: close the result)."""
        return build_context(
            flow,
            profiles=self.profiles,
            mappings=self.mappings,
            environ=os.environ if self.environ is None else self.environ,
        )


@contextmanager
def state_sessions() -> Iterator[sessionmaker[Session]]:
    """Sessions on the configured state store (HUB_DATABASE_URL, else SQLite in HUB_DATA_DIR)."""
    from hub.settings import get_settings, state_store_url
    from hub.store import make_engine, make_session_factory

    engine = make_engine(state_store_url(get_settings()))
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()
