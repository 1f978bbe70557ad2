"""A killed run's lease: taken over at once on its host, released by `hub sync unlock`."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta

import pytest
import typer
from sync_fakes import NOW, FakeSystem, clock_at, context, customer, make_flow
from typer.testing import CliRunner

from hub.cli import sync as sync_cli
from hub.sync import FlowLocked, RunOptions, run_flow
from hub.sync.locks import acquire, leases_of, new_owner

FLOW = "crm-to-erp-customers"


def dead_pid() -> int:
    """The pid of a process that has exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def hold(sessions, owner: str, partition: str = "") -> None:
    with sessions.begin() as session:
        acquire(session, FLOW, partition, owner, NOW, timedelta(minutes=10))


def one_run(sessions):
    ctx = context(make_flow(), FakeSystem("crm", [customer("a1", "A", 1)]), FakeSystem("erp"))
    return run_flow(sessions, ctx, RunOptions(clock=clock_at(NOW + timedelta(minutes=1))))


def test_owners_name_their_host_and_process():
    host, pid, _tag = new_owner().rsplit(":", 2)
    assert host == socket.gethostname()
    assert pid.isdigit()


def test_a_lease_of_a_dead_process_on_this_host_is_taken_over_at_once(sessions):
    hold(sessions, f"{socket.gethostname()}:{dead_pid()}:killed")
    assert one_run(sessions).status == "succeeded"


def test_a_lease_of_a_live_process_or_of_another_host_is_respected(sessions):
    with subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    ) as alive:
        hold(sessions, f"{socket.gethostname()}:{alive.pid}:running")
        with pytest.raises(FlowLocked, match="running"):
            one_run(sessions)
        assert alive.stdin is not None
        alive.stdin.close()
    with sessions.begin() as session:
        leases = leases_of(session, FLOW)
        assert [lease.owner for lease in leases] == [f"{socket.gethostname()}:{alive.pid}:running"]
    hold(sessions, f"{socket.gethostname()}:{alive.pid}:running")  # pid gone now: taken over
    assert one_run(sessions).status == "succeeded"

    hold(sessions, f"elsewhere.example:{dead_pid()}:remote")
    with pytest.raises(FlowLocked, match="elsewhere"):
        one_run(sessions)


@pytest.fixture
def hub_sync() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(sync_cli.app, name="sync")
    return app


def test_unlock_asks_then_releases_the_lease_so_a_run_can_start(sessions, hub_sync):
    hold(sessions, "elsewhere.example:4242:remote")
    runner = CliRunner(env={"COLUMNS": "250"})

    refused = runner.invoke(hub_sync, ["sync", "unlock", FLOW], input="n\n")
    assert refused.exit_code == 1
    assert "elsewhere.example:4242:remote" in refused.output
    with pytest.raises(FlowLocked):
        one_run(sessions)

    done = runner.invoke(hub_sync, ["sync", "unlock", FLOW], input="y\n")
    assert done.exit_code == 0, done.output
    assert "released 1 lease" in done.output
    assert one_run(sessions).status == "succeeded"

    nothing = runner.invoke(hub_sync, ["sync", "unlock", FLOW, "--yes"])
    assert nothing.exit_code == 0
    assert "no lease held" in nothing.output


def test_unlock_one_partition_leaves_the_others(sessions, hub_sync, tmp_path):
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "customers.yaml").write_text(
        f"name: {FLOW}\n"
        "source: {system: crm, entity: accounts}\n"
        "target: {system: erp, entity: customers}\n"
        "canonical: Customer\n"
        "mappings: {inbound: crm/customer.yaml, outbound: erp/customer.yaml}\n"
        "partitions: {count: 2, field: id}\n"
    )
    hold(sessions, "elsewhere.example:1:first", "0/2")
    hold(sessions, "elsewhere.example:2:second", "1/2")

    result = CliRunner().invoke(
        hub_sync, ["sync", "unlock", FLOW, "--partition", "1", "--yes", "--flows", str(flows)]
    )

    assert result.exit_code == 0, result.output
    with sessions() as session:
        assert [lease.partition for lease in leases_of(session, FLOW)] == ["0/2"]
