"""The reference OA workflow engine, exercised only through its HTTP API on loopback."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from reference.kit.server import serve
from reference.registry import get_spec
from reference.seed.world import World

HUB = "oa-demo-token"
SECRET = "oa-callback-secret"
MANAGER, FINANCE, CEO = "mgr.meyer", "fin.okafor", "ceo.lind"
_keys = itertools.count(1)


def token(user: str) -> str:
    return f"oa-token-{user}"


class Engine:
    """A thin client: every call names the token it acts with."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.http = requests.Session()

    def call(
        self, method: str, path: str, *, as_: str | None = HUB, **kw: Any
    ) -> requests.Response:
        headers = {} if as_ is None else {"Authorization": f"Bearer {as_}"}
        return self.http.request(method, self.base + path, headers=headers, timeout=10, **kw)

    def ok(self, method: str, path: str, status: int = 200, **kw: Any) -> Any:
        resp = self.call(method, path, **kw)
        assert resp.status_code == status, resp.text
        return resp.json()

    def start(self, key: str, amount: str, business_key: str | None = None, **extra: Any) -> Any:
        body = {
            "businessKey": business_key or f"BK-{next(_keys):05d}",
            "variables": {
                "amount": {"value": amount, "type": "String"},
                "currency": {"value": "EUR", "type": "String"},
                "requester": {"value": "emp.tester", "type": "String"},
                "subjectRef": {"value": "PR-1", "type": "String"},
                "details": {"value": {"note": "test"}, "type": "Json"},
            },
            **extra,
        }
        resp = self.call("POST", f"/process-definitions/{key}/start", json=body)
        assert resp.status_code in (200, 201), resp.text
        return resp.json()

    def decide(
        self, instance: Any, user: str, decision: str = "approve", comment: str = "ok"
    ) -> Any:
        task = instance["activeTask"]
        assert task["assignee"] == user
        body = {"decision": decision, "comment": comment}
        return self.ok("POST", f"/tasks/{task['id']}/complete", json=body, as_=token(user))


@pytest.fixture(scope="module")
def oa(tmp_path_factory: pytest.TempPathFactory, demo_world: World) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path_factory.mktemp('oa') / 'oa.db'}"
    spec = get_spec("oa")
    spec.seed(url, demo_world)
    served = serve(spec.create_app(url), name="oa", port=0)
    yield Engine(served.base_url)
    served.stop()


class Receiver:
    """A tiny HTTP server on loopback that records callbacks; the first ``fail`` get a 500."""

    def __init__(self, fail: int = 0) -> None:
        self.fail = fail
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.attempts = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.attempts += 1
                if receiver.attempts <= receiver.fail:
                    self.send_response(500)
                else:
                    receiver.received.append((dict(self.headers.items()), body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/oa-events"

    def wait(self, count: int = 1, timeout: float = 8.0) -> list[tuple[dict[str, str], bytes]]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.received) >= count, f"{len(self.received)} of {count} callbacks arrived"
        return self.received

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = Receiver()
    yield rec
    rec.close()


def verified_event(headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """Check the signature as a receiver must, then return the event."""
    stamp = headers["X-OA-Timestamp"]
    assert abs(time.time() - int(stamp)) < 300
    expected = hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-OA-Signature"], f"sha256={expected}")
    forged = hmac.new(SECRET.encode(), str(int(stamp) + 1).encode() + b"." + body, hashlib.sha256)
    assert headers["X-OA-Signature"] != f"sha256={forged.hexdigest()}"
    event: dict[str, Any] = json.loads(body)
    return event


# --- auth ----------------------------------------------------------------------------------


def test_every_data_endpoint_needs_a_valid_token(oa: Engine) -> None:
    assert oa.call("GET", "/health", as_=None).json()["status"] == "ok"
    for path in ("/process-definitions", "/process-instances", "/tasks"):
        assert oa.call("GET", path, as_=None).status_code == 401
        wrong = oa.call("GET", path, as_="oa-token-nobody")
        assert wrong.status_code == 401
        assert wrong.json()["error"]["code"] == "unauthorized"
        assert oa.call("GET", path).status_code == 200


def test_approvers_act_only_on_their_own_tasks(oa: Engine, receiver: Receiver) -> None:
    instance = oa.start("purchase", "1200.00")
    task_id = instance["activeTask"]["id"]
    body = {"decision": "approve", "comment": "fine"}
    for user in (FINANCE, CEO):
        resp = oa.call("POST", f"/tasks/{task_id}/complete", json=body, as_=token(user))
        assert resp.status_code == 403
        assert resp.json()["error"]["code"] == "not_assignee"
    assert oa.call("POST", f"/tasks/{task_id}/complete", json=body).status_code == 403
    assert (
        oa.call("GET", "/tasks", params={"assignee": MANAGER}, as_=token(FINANCE)).status_code
        == 403
    )
    assert oa.call("GET", f"/tasks/{task_id}", as_=token(CEO)).status_code == 403
    callback = {"url": receiver.url}
    assert (
        oa.call(
            "POST", "/process-definitions/purchase/callbacks", json=callback, as_=token(MANAGER)
        ).status_code
        == 403
    )
    assert oa.ok("GET", "/process-instances/" + instance["id"])["status"] == "ACTIVE"
    done = oa.decide(instance, MANAGER)
    assert done["status"] == "APPROVED"


# --- definitions and routing ---------------------------------------------------------------


def test_definitions_are_data_with_decimal_thresholds(oa: Engine) -> None:
    defs = {d["key"]: d for d in oa.ok("GET", "/process-definitions")}
    assert set(defs) == {"purchase", "travel", "expense", "credit_limit", "invoice_exception"}
    purchase = [(s["role"], s["amountAbove"]) for s in defs["purchase"]["steps"]]
    assert purchase == [("manager", None), ("finance", "5000.00"), ("ceo", "50000.00")]
    credit = [(s["role"], s["amountAbove"]) for s in defs["credit_limit"]["steps"]]
    assert credit == [("finance", None), ("ceo", "100000.00")]


@pytest.mark.parametrize(
    ("amount", "approvers"),
    [
        ("4999.99", [MANAGER]),
        ("5000.00", [MANAGER]),
        ("20000.00", [MANAGER, FINANCE]),
        ("80000.00", [MANAGER, FINANCE, CEO]),
    ],
)
def test_purchase_routes_by_amount(oa: Engine, amount: str, approvers: list[str]) -> None:
    instance = oa.start("purchase", amount)
    assert len(instance["route"]) == len(approvers)
    for user in approvers:
        assert instance["status"] == "ACTIVE"
        mine = oa.ok("GET", "/tasks", params={"assignee": user}, as_=token(user))
        assert instance["activeTask"]["id"] in {t["id"] for t in mine}
        assert all(t["assignee"] == user for t in mine)
        instance = oa.decide(instance, user, comment=f"{user} agrees")
    assert instance["status"] == "APPROVED"
    assert instance["activeTask"] is None
    assert instance["endedAt"] is not None

    history = oa.ok("GET", f"/process-instances/{instance['id']}/history")
    assert [s["assignee"] for s in history["steps"]] == approvers
    assert all(s["decision"] == "approve" for s in history["steps"])
    assert history["steps"][-1]["comment"] == f"{approvers[-1]} agrees"
    assert all(s["decidedAt"].endswith("+00:00") for s in history["steps"])
    assert Decimal(instance["variables"]["amount"]["value"]) == Decimal(amount)


def test_rejection_ends_the_instance(oa: Engine) -> None:
    instance = oa.start("purchase", "80000.00")
    instance = oa.decide(instance, MANAGER)
    task_id = instance["activeTask"]["id"]
    no_reason = oa.call(
        "POST", f"/tasks/{task_id}/complete", json={"decision": "reject"}, as_=token(FINANCE)
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["field"] == "comment"
    rejected = oa.decide(instance, FINANCE, "reject", "budget exhausted")
    assert rejected["status"] == "REJECTED"
    assert rejected["activeTask"] is None
    ceo_tasks = oa.ok("GET", "/tasks", params={"assignee": CEO}, as_=token(CEO))
    assert instance["id"] not in {t["processInstanceId"] for t in ceo_tasks}
    again = oa.call(
        "POST", f"/tasks/{task_id}/complete", json={"decision": "approve"}, as_=token(FINANCE)
    )
    assert again.status_code == 409
    steps = oa.ok("GET", f"/process-instances/{instance['id']}/history")["steps"]
    assert [(s["role"], s["decision"]) for s in steps] == [
        ("manager", "approve"),
        ("finance", "reject"),
    ]
    assert steps[-1]["comment"] == "budget exhausted"


def test_start_is_idempotent_by_business_key(oa: Engine) -> None:
    first = oa.start("credit_limit", "150000.00", business_key="CL-C100007")
    again = oa.call(
        "POST",
        "/process-definitions/credit_limit/start",
        json={
            "businessKey": "CL-C100007",
            "variables": {"amount": {"value": "1.00", "type": "String"}},
        },
    )
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert again.json()["variables"]["amount"]["value"] == "150000.00"
    assert [len(first["route"]), first["activeTask"]["assignee"]] == [2, FINANCE]
    other = oa.start("invoice_exception", "10.00", business_key="CL-C100007")
    assert other["id"] != first["id"]
    found = oa.call("GET", "/process-instances", params={"businessKey": "CL-C100007"})
    assert found.headers["X-Total-Count"] == "2"


@pytest.mark.parametrize(
    ("variable", "value", "field"),
    [
        ("amount", {"value": 12.5, "type": "String"}, "body.variables.amount"),
        ("amount", {"value": "twelve", "type": "String"}, "variables.amount.value"),
        ("amount", {"value": "1.005", "type": "String"}, "variables.amount.value"),
        ("currency", {"value": "USD", "type": "String"}, "variables.currency.value"),
    ],
)
def test_bad_variables_are_rejected_naming_the_field(
    oa: Engine, variable: str, value: dict[str, Any], field: str
) -> None:
    variables = {
        "amount": {"value": "10.00", "type": "String"},
        "currency": {"value": "EUR", "type": "String"},
        "requester": {"value": "emp.tester", "type": "String"},
        variable: value,
    }
    resp = oa.call(
        "POST",
        "/process-definitions/expense/start",
        json={"businessKey": f"BAD-{next(_keys)}", "variables": variables},
    )
    assert resp.status_code == 422
    assert resp.json()["error"]["field"] == field


# --- callbacks and polling -----------------------------------------------------------------


def test_completion_is_called_back_with_a_valid_signature(oa: Engine, receiver: Receiver) -> None:
    reg = oa.ok(
        "POST", "/process-definitions/invoice_exception/callbacks", 201, json={"url": receiver.url}
    )
    assert reg["processDefinitionKey"] == "invoice_exception"
    instance = oa.start("invoice_exception", "310.40")
    t0 = time.monotonic()
    oa.decide(instance, FINANCE, "reject", "price variance not agreed")
    assert time.monotonic() - t0 < 2
    headers, body = receiver.wait()[0]
    event = verified_event(headers, body)
    assert event["processInstanceId"] == instance["id"]
    assert event["businessKey"] == instance["businessKey"]
    assert event["status"] == "REJECTED"
    assert event["decisions"][0]["comment"] == "price variance not agreed"
    tampered = body.replace(b"REJECTED", b"APPROVED")
    stamp = headers["X-OA-Timestamp"]
    digest = hmac.new(SECRET.encode(), stamp.encode() + b"." + tampered, hashlib.sha256).hexdigest()
    assert headers["X-OA-Signature"] != f"sha256={digest}"


def test_failed_callback_is_retried(oa: Engine) -> None:
    flaky = Receiver(fail=1)
    try:
        instance = oa.start("purchase", "300.00")
        oa.ok(
            "POST", f"/process-instances/{instance['id']}/callbacks", 201, json={"url": flaky.url}
        )
        oa.decide(instance, MANAGER)
        headers, body = flaky.wait()[0]
        assert verified_event(headers, body)["status"] == "APPROVED"
        assert headers["X-OA-Delivery-Attempt"] == "2"
        assert flaky.attempts == 2
        deadline = time.monotonic() + 5
        while True:
            deliveries = oa.ok("GET", f"/process-instances/{instance['id']}/callback-deliveries")
            if deliveries[0]["status"] == "DELIVERED" or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        assert [(d["status"], d["attempts"]) for d in deliveries] == [("DELIVERED", 2)]
    finally:
        flaky.close()


def test_polling_by_business_key_follows_the_status(oa: Engine) -> None:
    instance = oa.start("travel", "3500.00", business_key="TRV-POLL-1")

    def poll() -> dict[str, Any]:
        found = oa.ok("GET", "/process-instances", params={"businessKey": "TRV-POLL-1"})
        assert [i["id"] for i in found] == [instance["id"]]
        assert oa.ok("GET", f"/process-instances/{instance['id']}") == found[0]
        return found[0]

    assert poll()["status"] == "ACTIVE"
    assert poll()["activeTask"]["assignee"] == MANAGER
    oa.decide(instance, MANAGER)
    assert poll()["activeTask"]["assignee"] == FINANCE
    oa.decide(poll(), FINANCE)
    final = poll()
    assert final["status"] == "APPROVED"
    assert oa.call("GET", "/process-instances/does-not-exist").status_code == 404


def test_seeded_open_requests_wait_for_approvers(oa: Engine) -> None:
    open_travel = oa.ok(
        "GET", "/process-instances", params={"processDefinitionKey": "travel", "status": "ACTIVE"}
    )
    keys = {i["businessKey"] for i in open_travel}
    assert {"TRV-0001", "TRV-0002"} <= keys
    expenses = oa.ok("GET", "/process-instances", params={"businessKey": "EXP-0002"})
    assert expenses[0]["route"] == ["manager_approval", "finance_approval"]
