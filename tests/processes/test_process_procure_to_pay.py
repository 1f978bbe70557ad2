"""Procure to pay end to end: reference systems, SFTP mailboxes, approvers, warehouse, suppliers.

Everything is checked through the systems' APIs: the ERP and SRM purchase orders, the
WMS expected receipt, the ERP goods receipt and 3-way match, OA instances, SRM scorecards.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncssh
import pytest
import sqlalchemy as sa
import yaml

from connectors.soap.faults import SoapClientFault
from connectors.soap.records import as_records, plain
from hub.edi.partner import load_partner
from hub.processes.framework import ProcessContext, run_process
from hub.processes.procure_to_pay import PROCESS
from hub.store import list_dead_letters
from hub.store.models import ProcessItem
from reference.actors.approvers import approver_team
from reference.actors.base import Actor
from reference.actors.warehouse import WarehouseStaff
from reference.edi_partner import Identity, Mailbox, SupplierSimulator
from reference.sftp import EmbeddedSftpServer

REPO_PARTNERS = Path(__file__).resolve().parents[2] / "partners"
MANAGER_LIMIT = Decimal("10000.00")  # the test's approver policy: the manager's limit
THRESHOLD = Decimal("1000.00")
BEHAVIOURS = {"ACME-SUPPLY": "price_deviation", "GLOBEX-SUPPLY": "full"}
pytestmark = pytest.mark.timeout(120)


class SupplierActor(Actor):
    """The EDI supplier simulator as an actor: each round answers the POs in its mailbox."""

    def __init__(self, simulator: SupplierSimulator, name: str) -> None:
        super().__init__(interval=0.2, name=name)
        self.simulator = simulator

    def step(self) -> int:
        return len(self.simulator.run_once())

    def stop(self, timeout: float = 5.0) -> None:
        super().stop(timeout)
        self.simulator.mailbox.close()


@dataclass
class Edi:
    """Partner profiles pointing at the embedded SFTP server, and each partner's mailbox."""

    partners: Path
    mailboxes: dict[str, Mailbox]


def _keypair(folder: Path, name: str) -> tuple[Path, str]:
    key = asyncssh.generate_private_key("ssh-ed25519")
    path = folder / name
    path.write_bytes(key.export_private_key("openssh"))
    path.chmod(0o600)
    return path, key.export_public_key("openssh").decode().strip()


@pytest.fixture(scope="module")
def edi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edi]:
    folder = tmp_path_factory.mktemp("p2p-edi")
    partners = folder / "partners"
    partners.mkdir()
    with EmbeddedSftpServer(folder / "sftp") as server:
        mailboxes = {}
        for n, partner_id in enumerate(BEHAVIOURS):
            partner_key, partner_pub = _keypair(folder, f"partner{n}")
            hub_key, hub_pub = _keypair(folder, f"hub{n}")
            root = server.add_user(f"supplier{n}", partner_pub)
            hub_root = server.add_user(f"hub{n}", hub_pub)
            shutil.rmtree(hub_root)
            hub_root.symlink_to(root, target_is_directory=True)  # one mailbox, two logins
            source = next(p for p in REPO_PARTNERS.glob("*.yaml") if _id(p) == partner_id)
            data = yaml.safe_load(source.read_text(encoding="utf-8"))
            data["sftp"] = {
                "host": server.host,
                "port": server.port,
                "user": f"hub{n}",
                "key": f"file:{hub_key}",
                "host_key": {"fingerprint": server.host_key_fingerprint},
                "folders": {"inbox": "inbox", "outbox": "outbox", "archive": "archive"},
                "timeout": 10,
            }
            (partners / source.name).write_text(yaml.safe_dump(data), encoding="utf-8")
            mailboxes[partner_id] = Mailbox(
                server.host, server.port, f"supplier{n}", partner_key, server.host_key_fingerprint
            )
        yield Edi(partners, mailboxes)


def _id(path: Path) -> str:
    return str(yaml.safe_load(path.read_text(encoding="utf-8"))["id"])


def _supplier(edi: Edi, partner_id: str) -> SupplierActor:
    profile = load_partner(partner_id, edi.partners)
    identity = Identity(
        standard=profile.standard,
        own_id=profile.theirs.id,
        hub_id=profile.ours.id,
        own_qualifier=profile.theirs.qualifier,
        hub_qualifier=profile.ours.qualifier,
        version=profile.version,
    )
    simulator = SupplierSimulator(
        edi.mailboxes[partner_id],
        identity,
        behaviour=BEHAVIOURS[partner_id],  # type: ignore[arg-type]
    )
    return SupplierActor(simulator, partner_id)


def _erp(ctx: ProcessContext, operation: str, **payload: Any) -> dict[str, Any]:
    answer = plain(ctx.systems.soap("erp-procurement").call(operation, payload))
    return answer


def _one(answer: dict[str, Any], element: str) -> dict[str, Any]:
    inner = answer.get(element)
    return inner if isinstance(inner, dict) else answer


def _srm(ctx: ProcessContext, path: str, **params: Any) -> Any:
    srm = ctx.systems.rest("srm")
    return srm.json(srm.request("GET", path, params=params or None))


def _oa(ctx: ProcessContext, path: str, **params: Any) -> Any:
    oa = ctx.systems.rest("oa")
    return oa.json(oa.request("GET", path, params=params or None))


def _wms(ctx: ProcessContext, path: str, **params: Any) -> Any:
    wms = ctx.systems.rest("wms")
    return wms.json(wms.request("GET", path, params=params or None))


def _items(landscape: Any) -> list[ProcessItem]:
    with landscape.sessions() as session:
        rows = session.scalars(
            sa.select(ProcessItem).where(ProcessItem.process == "procure_to_pay")
        )
        return list(rows)


def _vendor_no(ctx: ProcessContext, supplier_ref: str) -> str:
    return str(_one(_erp(ctx, "GetVendor", ExternalRef=supplier_ref), "Vendor")["VendorNo"])


def _counts(ctx: ProcessContext, vendors: list[str]) -> dict[str, int]:
    """How many POs, ASNs, OA instances and deliveries exist: must not grow on a re-run."""
    since = datetime(2000, 1, 1, tzinfo=UTC)
    erp_pos = sum(
        len(
            as_records(
                _erp(ctx, "ListPurchaseOrders", ChangedSince=since, VendorNo=v).get("PurchaseOrder")
            )
        )
        for v in vendors
    )
    deliveries = 0
    for vendor in _srm(ctx, "/vendors", limit=500)["data"]:
        card = _srm(ctx, f"/vendors/{vendor['vendor_id']}/scorecard")
        deliveries += sum(p["deliveries"] for p in card["history"])
    return {
        "erp_pos": erp_pos,
        "srm_pos": int(_srm(ctx, "/purchase-orders", limit=1)["total"]),
        "asns": int(_wms(ctx, "/asns", page_size=1)["total_items"]),
        "oa": len(_oa(ctx, "/process-instances", maxResults=500)),
        "deliveries": deliveries,
    }


@pytest.fixture(scope="module")
def world_suppliers(landscape: Any) -> dict[str, Any]:
    """The world's EDI suppliers and one EUR portal supplier in good standing."""
    today = landscape.world.today
    portal = next(
        s
        for s in landscape.world.suppliers
        if s.status == "approved"
        and s.edi_partner is None
        and s.currency == "EUR"
        and all(c.valid_to > today for c in s.certificates)
    )
    edi = {s.edi_partner: s for s in landscape.world.suppliers if s.edi_partner}
    return {"portal": portal, **edi}


def test_reorder_proposals_become_received_matched_purchase_orders(
    landscape: Any,
    make_context: Callable[..., ProcessContext],
    start_actor: Callable[[Actor], Actor],
    edi: Edi,
    world_suppliers: dict[str, Any],
) -> None:
    ctx = make_context("p2p-1", partners=edi.partners)
    refs = {key: s.number for key, s in world_suppliers.items()}
    vendors = {key: _vendor_no(ctx, ref) for key, ref in refs.items()}
    options = {"vendors": sorted(vendors.values()), "approval_threshold": str(THRESHOLD)}
    ctx.options.update(options)
    srm_ids = {v["buyer_ref"]: v["vendor_id"] for v in _srm(ctx, "/vendors", limit=500)["data"]}
    cards_before = {
        key: _srm(ctx, f"/vendors/{srm_ids[ref]}/scorecard")["current"] for key, ref in refs.items()
    }

    start_actor(
        approver_team(
            landscape.url("oa"),
            landscape.world,
            role_limits={"manager": MANAGER_LIMIT},
            interval=0.1,
        )
    )
    wms = landscape.credentials("wms")
    start_actor(
        WarehouseStaff(landscape.url("wms"), wms["user"], wms["password"], ship=False, interval=0.1)
    )
    for partner_id in BEHAVIOURS:
        start_actor(_supplier(edi, partner_id))

    result = run_process(PROCESS, ctx, wait_timeout=40)
    assert result.status == "succeeded", result.error

    items = _items(landscape)
    by_vendor: dict[str, list[ProcessItem]] = {}
    for item in items:
        by_vendor.setdefault(item.data["vendor_no"], []).append(item)
    assert set(by_vendor) == set(vendors.values())

    rejected = 0
    for item in items:
        data, amount = item.data, Decimal(item.data["amount"])
        if amount > MANAGER_LIMIT:
            # above the manager's limit: rejected in OA, closed with the comment, no PO
            instance = _oa(ctx, "/process-instances", businessKey=item.item_key)[0]
            assert instance["status"] == "REJECTED"
            assert (item.stage, item.status) == ("closed", "closed")
            assert "exceeds my approval limit" in data["closed_reason"]
            with pytest.raises(SoapClientFault):
                _erp(ctx, "GetPurchaseOrder", ExternalRef=item.item_key)
            rejected += 1
            continue
        approval = _oa(ctx, "/process-instances", businessKey=item.item_key)
        assert bool(approval) == (amount > THRESHOLD)
        po = _one(_erp(ctx, "GetPurchaseOrder", ExternalRef=item.item_key), "PurchaseOrder")
        srm_po = _srm(ctx, f"/purchase-orders/{po['PurchaseOrderNo']}")
        assert srm_po["vendor_id"] == srm_ids[data["supplier_ref"]]
        if data["vendor_no"] == vendors["portal"]:
            assert item.stage == "portal"
            assert srm_po["status"] == "SENT"
            continue
        _check_edi_po(ctx, item, po, srm_po, full=data["vendor_no"] == vendors["GLOBEX-SUPPLY"])
    assert rejected >= 1, "the world should give a requisition above the manager's limit"

    cards_after = {
        key: _srm(ctx, f"/vendors/{srm_ids[ref]}/scorecard")["current"] for key, ref in refs.items()
    }
    for partner_id in BEHAVIOURS:
        received = [i for i in by_vendor[vendors[partner_id]] if i.data.get("gr_no")]
        assert received, f"{partner_id}: nothing was received"
        before = cards_before[partner_id]["deliveries"] if cards_before[partner_id] else 0
        assert cards_after[partner_id]["deliveries"] == before + len(received)

    # Re-running changes nothing twice, and applies the finance decision on the exceptions.
    counts = _counts(ctx, sorted(vendors.values()))
    again = run_process(
        PROCESS, make_context("p2p-2", partners=edi.partners, options=options), wait_timeout=20
    )
    assert again.status == "succeeded", again.error
    assert _counts(ctx, sorted(vendors.values())) == counts
    for key in ("requisitions_created", "po_created", "po_sent", "asns_created", "po_received"):
        assert again.counts.get(key, 0) == 0, key
    escalated = [
        i
        for i in _items(landscape)
        if i.data["vendor_no"] == vendors["ACME-SUPPLY"] and i.data.get("invoice_doc_no")
    ]
    assert escalated, "the price deviation should have produced invoice exceptions"
    for item in escalated:
        match = _one(
            _erp(ctx, "GetMatchResult", InvoiceDocNo=item.data["invoice_doc_no"]), "MatchResult"
        )
        assert match["MatchStatus"] == "EXCEPTION"
        assert match["PaymentStatus"] == "RELEASED"
        assert match["ApprovedBy"]
        assert "approved in OA" in match["ApprovalComment"]
        assert _srm(ctx, f"/purchase-orders/{item.data['po_no']}")["status"] == "CLOSED"
        assert (item.stage, item.status) == ("closed", "done")


def _check_edi_po(
    ctx: ProcessContext,
    item: ProcessItem,
    po: dict[str, Any],
    srm_po: dict[str, Any],
    *,
    full: bool,
) -> None:
    """The PO carries its 855, 856 and 810: confirmed, received in WMS and ERP, matched."""
    data = item.data
    lines = as_records(po["Item"])
    assert all(Decimal(x["ConfirmedQuantity"]) == Decimal(x["Quantity"]) for x in lines)
    assert all(Decimal(x["ReceivedQuantity"]) == Decimal(x["Quantity"]) for x in lines)
    assert {x["ack_status"] for x in srm_po["lines"]} == ({"ACCEPTED"} if full else {"CHANGED"})
    asn = _wms(ctx, f"/asns/{data['asn_no']}")
    assert asn["po_ref"] == po["PurchaseOrderNo"]
    assert asn["status"] == "RECEIVED"
    answer: Any = _erp(ctx, "GetGoodsReceipts", PurchaseOrderNo=po["PurchaseOrderNo"])
    receipts = as_records(answer.get("GoodsReceipt") if isinstance(answer, dict) else answer)
    assert [r["GoodsReceiptNo"] for r in receipts] == [data["gr_no"]]
    match = _one(_erp(ctx, "GetMatchResult", InvoiceDocNo=data["invoice_doc_no"]), "MatchResult")
    assert match["MatchStatus"] == data["match_status"]
    if full:
        assert match["MatchStatus"] == "MATCHED"
        assert match["PaymentStatus"] == "RELEASED"
        assert po["Status"] == "CLOSED"
        assert srm_po["status"] == "CLOSED"
        assert (item.stage, item.status) == ("closed", "done")
        return
    # price deviation: the invoice is 10 % above the PO price -> exception, sent to OA
    reasons = {r for line in as_records(match["Item"]) for r in (line.get("ReasonCode") or [])}
    assert match["MatchStatus"] == "EXCEPTION"
    assert "PRICE_VARIANCE" in reasons
    escalation = _oa(ctx, "/process-instances", businessKey=f"IE-{data['invoice_doc_no']}")
    assert escalation
    assert escalation[0]["processDefinitionKey"] == "invoice_exception"
    assert srm_po["status"] == "INVOICED"


def test_vendor_with_an_expired_certificate_is_refused_by_the_srm(
    start_landscape: Callable[..., Any], world_suppliers: dict[str, Any]
) -> None:
    landscape = start_landscape()
    today = landscape.world.today
    expired = next(
        s
        for s in landscape.world.suppliers
        if s.status == "approved" and any(c.valid_to <= today for c in s.certificates)
    )
    ctx = landscape.context("p2p-cert")
    vendor = _vendor_no(ctx, expired.number)
    # No approval needed: the threshold is above any proposal, so it goes straight to ordering.
    ctx.options.update({"vendors": [vendor], "approval_threshold": "100000000"})
    result = run_process(PROCESS, ctx, wait_timeout=5)
    assert result.status == "succeeded", result.error
    items = _items(landscape)
    assert items
    assert result.counts["dead_letters"] == len(items)
    with landscape.sessions() as session:
        letters = {d.record_key: d for d in list_dead_letters(session)}
    for item in items:
        assert (item.stage, item.status) == ("closed", "failed")
        assert item.data["srm_refusal"] == "certificate_expired"
        assert "certificate_expired" in letters[item.item_key].message
        po = _one(_erp(ctx, "GetPurchaseOrder", ExternalRef=item.item_key), "PurchaseOrder")
        assert po["Status"] == "CANCELLED"
        found = _srm(ctx, "/purchase-orders", limit=500)["data"]
        assert po["PurchaseOrderNo"] not in {p["po_number"] for p in found}
