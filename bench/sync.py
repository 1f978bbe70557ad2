"""Benchmark: the sync engine, CRM (REST) -> ERP (SOAP) on loopback, and its memory.

Parts, each in a child process so that each peak RSS is its own:

* ``full``: the first load of ``crm-to-erp-customers`` as docs/flows.md runs it (after an
  untimed ``erp-to-crm-customers --index-only``), records/s and peak RSS, against a bare
  baseline that copies the same accounts with plain ``requests`` paging and zeep
  ``UpsertCustomers`` calls of the same batch size (500) into a second ERP seeded alike
  (no matching, no change detection: it sends every account);
* ``incremental``: 1 % of the accounts changed, the next run's time over the full run's;
* ``stream``: 1,000,000 generated records through the engine from an in-memory source to a
  counting sink (no system holds them), peak RSS (target under 300 MB).

Run: ``.venv/bin/python bench/sync.py [--size N] [--stream N]`` (defaults 100,000 and
1,000,000). The full size takes many minutes (seeding alone about 3 minutes); try
``--size 5000 --stream 50000`` first.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROOF = ROOT / "tests" / "sync_proof"
sys.path[:0] = [str(ROOT), str(PROOF)]

FLOW = "crm-to-erp-customers"
BATCH = 500
SECRETS = {
    "HUB_CRM_CLIENT_ID": "hub",
    "HUB_CRM_CLIENT_SECRET": "crm-demo-secret",
    "HUB_ERP_USER": "hub",
    "HUB_ERP_PASSWORD": "erp-demo-secret",
}


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the parts (run in child processes) ---------------------------------------------------


def run_engine(env: dict[str, str], home: Path, full: bool) -> dict[str, Any]:
    """One run of the flow in this process; its time, counts and peak RSS."""
    os.environ.update(env)
    from hub.flows.workspace import Workspace
    from hub.store import make_engine, make_session_factory
    from hub.sync import RunOptions, run_flow

    space = Workspace(
        flows=Path(env["HUB_FLOWS_DIR"]), profiles=Path(env["HUB_PROFILES_DIR"]), environ=env
    )
    engine = make_engine(f"sqlite:///{home / 'hub.db'}")
    built = space.build(space.flow(FLOW))
    began = time.perf_counter()
    try:
        clock = datetime.now(UTC) + timedelta(seconds=30)
        options = RunOptions(full=full, clock=lambda: clock)
        result = run_flow(make_session_factory(engine), built.context, options)
        seconds = time.perf_counter() - began
        reasons = dead_letter_reasons(engine, result.run_id)
    finally:
        built.close()
        engine.dispose()
    counts = result.counts
    return {
        "status": result.status,
        "seconds": seconds,
        "read": counts.read,
        "written": counts.written,
        "dead": counts.dead_lettered,
        "reasons": reasons,
        "rss_mb": peak_rss_mb(),
    }


def dead_letter_reasons(engine: Any, run_id: int | None) -> dict[str, int]:
    """How many of a run's dead letters each stage and error class holds."""
    from sqlalchemy import func, select

    from hub.store.models import DeadLetter

    query = (
        select(DeadLetter.stage, DeadLetter.error_class, func.count())
        .where(DeadLetter.run_id == run_id)
        .group_by(DeadLetter.stage, DeadLetter.error_class)
    )
    with engine.connect() as connection:
        return {f"{stage}/{kind}": int(n) for stage, kind, n in connection.execute(query)}


def erp_customer(account: Mapping[str, Any]) -> dict[str, Any]:
    """A CRM account as an ERP CustomerInput, by hand (what the baseline sends)."""
    from mappings.tables import COUNTRY_BY_NAME, fold_name

    address = account.get("billingAddress") or {}
    country = address.get("country") or ""
    code = COUNTRY_BY_NAME.get(country) or COUNTRY_BY_NAME.get(fold_name(country)) or country
    out = {
        "CustomerNo": (account.get("externalIds") or {}).get("erp"),
        "Name1": " ".join(account["accountName"].split()),
        "Street": address.get("street"),
        "PostalCode": address.get("zip"),
        "City": address.get("city"),
        "CountryKey": code,
        "VatRegNo": account.get("taxNumber"),
        "Telephone": account.get("phone"),
        "Email": (account.get("email") or "").strip().lower() or None,
        "Currency": account.get("currency"),
        "PaymentTermsKey": "Z030",
    }
    return {k: v for k, v in out.items() if v is not None}


def run_baseline(crm: str, erp: str) -> dict[str, Any]:
    """Copy every CRM account to the ERP with plain requests and zeep batch calls."""
    import requests
    from zeep import Client
    from zeep.transports import Transport
    from zeep.wsse.username import UsernameToken

    http = requests.Session()
    began = time.perf_counter()
    token = http.post(
        crm + "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "crm.read crm.write"},
        auth=("hub", "crm-demo-secret"),
        timeout=30,
    ).json()["access_token"]
    http.headers["Authorization"] = f"Bearer {token}"
    soap = Client(  # type: ignore[no-untyped-call]
        erp + "/soap/sales?wsdl",
        transport=Transport(session=requests.Session()),  # type: ignore[no-untyped-call]
        wsse=UsernameToken("hub", "erp-demo-secret", use_digest=True),  # type: ignore[no-untyped-call]
    )
    copied, cursor = 0, None
    while True:
        params: dict[str, Any] = {"limit": BATCH} | ({"cursor": cursor} if cursor else {})
        page = http.get(crm + "/accounts", params=params, timeout=60).json()
        batch = [erp_customer(a) for a in page["items"]]
        if batch:
            soap.service.UpsertCustomers(Customer=batch)
            copied += len(batch)
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return {"seconds": time.perf_counter() - began, "copied": copied, "rss_mb": peak_rss_mb()}


class GeneratedSource:
    """`count` customer records made up on the fly, in (updated_at, id) order."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.base = datetime(2026, 1, 1, tzinfo=UTC)

    def read(
        self, entity: str, *, since: dict[str, Any] | None = None, batch_size: int | None = None
    ) -> Iterator[Any]:
        from connectors.base import Batch

        size = batch_size or BATCH
        for start in range(0, self.count, size):
            chunk = []
            for i in range(start, min(start + size, self.count)):
                moment = (self.base + timedelta(milliseconds=i)).isoformat()
                chunk.append(
                    {"id": f"A{i:08d}", "name": f"Customer {i}", "vat": f"DE{i:09d}",
                     "email": f"c{i}@example.com", "updated_at": moment}
                )  # fmt: skip
            last = chunk[-1]
            yield Batch(
                chunk, {"field": "updated_at", "value": last["updated_at"], "id": last["id"]}
            )


class CountingSink:
    """Accepts every write, keeps only a count."""

    def __init__(self) -> None:
        self.written = 0

    def write(
        self,
        entity: str,
        records: Sequence[Mapping[str, Any]],
        idempotency_keys: Sequence[str] | None = None,
    ) -> list[Any]:
        from connectors.base import WriteResult

        start = self.written
        self.written += len(records)
        return [WriteResult.success(f"T{start + n}") for n in range(len(records))]


class PlainMapping:
    """Native {id, name, vat, email} <-> canonical Customer, both ways."""

    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any]:
        return {
            "legal_name": native["name"],
            "tax_ids": [{"scheme": "EU:VAT", "value": native["vat"]}],
            "contacts": [{"name": native["name"], "email": native["email"]}],
            "updated_at": native["updated_at"],
        }

    def to_native(self, canonical: Mapping[str, Any]) -> dict[str, Any]:
        return {"name": canonical["legal_name"], "vat": canonical["tax_ids"][0]["value"]}


def run_stream(count: int, home: Path) -> dict[str, Any]:
    """`count` generated records through the engine into a counting sink."""
    from hub.flows import parse_flow
    from hub.store import make_engine, make_session_factory, migrate
    from hub.sync import FlowContext, RunOptions, run_flow

    url = f"sqlite:///{home / 'stream.db'}"
    migrate.upgrade(url)
    flow = parse_flow(
        {
            "name": "bench-stream",
            "source": {"system": "gen", "entity": "accounts"},
            "target": {"system": "sink", "entity": "customers"},
            "canonical": "Customer",
            "mappings": {"inbound": "gen.yaml", "outbound": "sink.yaml"},
            "batch_size": BATCH,
            "match_rules": [{"name": "tax_id", "fields": ["tax_ids[*].value"]}],
        }
    )
    sink, mapping = CountingSink(), PlainMapping()
    ctx = FlowContext(
        flow=flow, source=GeneratedSource(count), sink=sink, inbound=mapping, outbound=mapping
    )
    engine = make_engine(url)
    began = time.perf_counter()
    try:
        clock = datetime(2027, 1, 1, tzinfo=UTC)
        options = RunOptions(clock=lambda: clock)
        result = run_flow(make_session_factory(engine), ctx, options)
    finally:
        engine.dispose()
    return {
        "status": result.status,
        "seconds": time.perf_counter() - began,
        "written": sink.written,
        "rss_mb": peak_rss_mb(),
    }


# --- orchestration (the parent process) ----------------------------------------------------


def child(part: str, **args: Any) -> dict[str, Any]:
    """Run one part in a fresh interpreter; its JSON answer."""
    command = [sys.executable, __file__, "--part", part, "--args", json.dumps(args)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"part {part} failed:\n{done.stderr[-3000:]}")
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def change_accounts(env: dict[str, str], fraction: float) -> int:
    """Change the phone of `fraction` of the CRM accounts (seeded choice); how many accounts."""
    import requests

    crm = env["HUB_CRM_URL"]
    http = requests.Session()
    token = http.post(
        crm + "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "crm.read crm.write"},
        auth=("hub", "crm-demo-secret"),
        timeout=30,
    ).json()["access_token"]
    http.headers["Authorization"] = f"Bearer {token}"
    rng, changed, cursor = random.Random(1), 0, None
    # The listing is in change order: a changed account comes round again at the end.
    seen: set[str] = set()
    while True:
        params: dict[str, Any] = {"limit": BATCH} | ({"cursor": cursor} if cursor else {})
        page = http.get(crm + "/accounts", params=params, timeout=60).json()
        for account in page["items"]:
            if account["accountId"] in seen:
                continue
            seen.add(account["accountId"])
            if rng.random() < fraction:
                phone = f"+4930{rng.randrange(10**7, 10**8)}"
                http.patch(
                    f"{crm}/accounts/{account['accountId']}",
                    json={"phone": phone},
                    headers={"If-Match": "*"},
                    timeout=30,
                ).raise_for_status()
                changed += 1
        cursor = page.get("next_cursor")
        if not cursor:
            return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="customers in the world")
    parser.add_argument("--stream", type=int, default=1_000_000, help="records streamed")
    parser.add_argument("--part", help=argparse.SUPPRESS)
    parser.add_argument("--args", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.part:
        args = json.loads(options.args)
        if options.part == "engine":
            answer = run_engine(args["env"], Path(args["home"]), args["full"])
        elif options.part == "baseline":
            answer = run_baseline(args["crm"], args["erp"])
        else:
            answer = run_stream(args["count"], Path(args["home"]))
        sys.stdout.write(json.dumps(answer) + "\n")
        return
    orchestrate(options.size, options.stream)


def orchestrate(size: int, stream: int) -> None:
    """Seed, serve, run the parts and print the report."""
    from proof_support import (  # type: ignore[import-not-found]
        FAST,
        make_hub,
        start_systems,
        tuned_flows,
        tuned_profiles,
    )

    out = sys.stdout
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp_name:
        tmp = Path(tmp_name)
        began = time.perf_counter()
        # CRM and both ERPs get the same world: linked accounts are updates, the rest creates.
        crm = start_systems(tmp / "crm", size, "crm")
        erp = start_systems(tmp / "erp", size, "erp")
        bare = start_systems(tmp / "bare", size, "erp")
        out.write(f"seeded {size} customers in {time.perf_counter() - began:.0f}s\n")
        try:
            profiles = tuned_profiles(tmp / "profiles", {"crm": FAST, "erp": FAST})
            flows = tuned_flows(tmp / "flows", {FLOW: {"batch_size": BATCH}})
            systems = crm
            systems.env |= erp.env
            hub = make_hub(tmp / "hub", systems, profiles, flows)
            env = {k: v for k, v in hub.env.items() if k.startswith("HUB_")}
            indexed = hub.run("sync", "run", "erp-to-crm-customers", "--index-only")
            if indexed.returncode != 0:
                raise RuntimeError(indexed.stdout[-2000:])
            full = child("engine", env=env, home=str(hub.home), full=False)
            base = child("baseline", crm=crm.urls["crm"], erp=bare.urls["erp"])
            rate, base_rate = full["read"] / full["seconds"], base["copied"] / base["seconds"]
            why = f" {json.dumps(full['reasons'])}" if full["reasons"] else ""
            out.write(
                f"full: {full['read']} records, {full['written']} written,"
                f" {full['dead']} dead{why}"
                f" in {full['seconds']:.1f}s = {rate:.0f} records/s,"
                f" peak RSS {full['rss_mb']:.0f} MB ({full['status']})\n"
                f"baseline: {base['copied']} records in {base['seconds']:.1f}s ="
                f" {base_rate:.0f} records/s, peak RSS {base['rss_mb']:.0f} MB\n"
                f"engine / baseline throughput: {rate / base_rate:.2f} (target >= 0.5)\n"
            )
            changed = change_accounts(env, 0.01)
            incremental = child("engine", env=env, home=str(hub.home), full=False)
            out.write(
                f"incremental: {changed} changed, {incremental['written']} written in"
                f" {incremental['seconds']:.1f}s = {incremental['seconds'] / full['seconds']:.3f}"
                f" of the full run (target <= 0.05)\n"
            )
        finally:
            for served in (crm, erp, bare):
                served.stop()
        streamed = child("stream", count=stream, home=str(tmp))
        out.write(
            f"stream: {streamed['written']} records in {streamed['seconds']:.0f}s ="
            f" {streamed['written'] / streamed['seconds']:.0f} records/s,"
            f" peak RSS {streamed['rss_mb']:.0f} MB (target < 300 MB)\n"
        )


if __name__ == "__main__":
    main()
