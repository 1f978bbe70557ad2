"""Building a runnable flow: connectors from the profiles, compiled mappings, adapters.

```python
with build_flow(Path("flows/crm-to-erp-customers.yaml"), profiles=..., mappings=...) as ctx:
    run_flow(sessions, ctx)
```
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from connectors.base import Connector, Sink, Source
from connectors.profile import load_profile
from connectors.rest import connector_from_profile
from hub.flows.adapters import AdaptedSink, SnapshotSource
from hub.flows.loader import load_flow
from hub.flows.model import FlowSpec
from hub.sync.context import FlowContext
from hub.sync.wiring import load_context_mappings
from mappings.xref import XrefResolver


@dataclass
class BuiltFlow:
    """A flow context and the connectors it holds open (close them when done)."""

    context: FlowContext
    connectors: list[Connector] = field(default_factory=list)

    def close(self) -> None:
        """Close every connector's sessions."""
        for connector in self.connectors:
            connector.close()


def profile_path(profiles: Path, system: str) -> Path:
    """The profile file of a system: ``<profiles>/<system>.yaml``."""
    return profiles / f"{system}.yaml"


def open_connector(
    profiles: Path, system: str, environ: Mapping[str, str] | None = None
) -> Connector:
    """A system's connector from its profile (URLs and secrets resolved from `environ`)."""
    env = os.environ if environ is None else environ
    profile = load_profile(profile_path(profiles, system), environ=env)
    return connector_from_profile(profile, environ=env)


def adapt_source(flow: FlowSpec, source: Source | None) -> Source | None:
    """The source as the flow reads it (stamped snapshots for entities without change times)."""
    snapshot = flow.source.snapshot
    if source is None or snapshot is None:
        return source
    return SnapshotSource(source, snapshot.key, margin=timedelta(seconds=flow.skew_margin_seconds))


def adapt_sink(flow: FlowSpec, sink: Sink | None) -> Sink | None:
    """The sink as the flow writes (merge, patch, defaults, combine, key), if it needs any."""
    target = flow.target
    if sink is None or not (
        target.key or target.defaults or target.merge or target.patch or target.combine
    ):
        return sink
    return AdaptedSink(sink, target, getattr(sink, "client", None))


def build_context(
    flow: FlowSpec | Path,
    *,
    profiles: Path,
    mappings: Path,
    environ: Mapping[str, str] | None = None,
    resolver: XrefResolver | None = None,
) -> BuiltFlow:
    """A flow file (or spec) made runnable: connectors, adapters and compiled mappings."""
    spec = load_flow(flow) if isinstance(flow, Path) else flow
    inbound, outbound = load_context_mappings(spec, mappings, resolver=resolver)
    built: list[Connector] = []
    try:
        source_conn = open_connector(profiles, spec.source.system, environ)
        built.append(source_conn)
        if spec.target.system == spec.source.system:
            target_conn = source_conn
        else:
            target_conn = open_connector(profiles, spec.target.system, environ)
            built.append(target_conn)
    except BaseException:
        for connector in built:
            connector.close()
        raise
    context = FlowContext(
        flow=spec,
        source=adapt_source(spec, source_conn.source),
        sink=adapt_sink(spec, target_conn.sink),
        inbound=inbound,
        outbound=outbound,
    )
    return BuiltFlow(context=context, connectors=built)


@contextmanager
def build_flow(
    flow: FlowSpec | Path,
    *,
    profiles: Path,
    mappings: Path,
    environ: Mapping[str, str] | None = None,
    resolver: XrefResolver | None = None,
) -> Iterator[FlowContext]:
    """`build_context` as a context manager that closes the connectors afterwards."""
    built = build_context(
        flow, profiles=profiles, mappings=mappings, environ=environ, resolver=resolver
    )
    try:
        yield built.context
    finally:
        built.close()
