"""Dead letters: replay after a mapping fix, selection by run and error class, discard."""

from __future__ import annotations

from sync_fakes import CustomerMapping, FakeSystem, at, context, customer, fatal, make_flow

from hub.store import get_dead_letter
from hub.sync import discard_letters, list_letters, replay_letters, select_letters, show_letter


def test_a_replay_after_a_mapping_fix_lands(sessions, run):
    crm = FakeSystem("crm", [customer("a1", "Smith & Sons", 100), customer("a2", "Plain", 110)])
    erp = FakeSystem("erp")
    result = run(context(make_flow(), crm, erp, CustomerMapping(broken=True)))
    assert result.counts.dead_lettered == 1
    with sessions() as session:
        (letter,) = list_letters(session, flow="crm-to-erp-customers")

    still_broken = replay_letters(
        sessions, context(make_flow(), crm, erp, CustomerMapping(broken=True)), ids=[letter.id]
    )
    assert still_broken.failed == [letter.id]
    with sessions() as session:
        assert get_dead_letter(session, letter.id).attempts == 2
        assert get_dead_letter(session, letter.id).status == "open"

    fixed = replay_letters(sessions, context(make_flow(), crm, erp), ids=[letter.id])

    assert fixed.replayed == [letter.id]
    assert sorted(r["name"] for r in erp.records.values()) == ["Plain", "Smith & Sons"]
    with sessions() as session:
        assert show_letter(session, letter.id).status == "replayed"
    # The replayed record is now known: the next run writes it no more.
    crm.records["a1"]["updated_at"] = at(500)
    assert run(context(make_flow(), crm, erp)).counts.written == 0


def test_letters_are_chosen_by_run_and_by_error_class(sessions, run):
    crm = FakeSystem(
        "crm",
        [
            customer("a1", "Poison", 100, poison=True),
            customer("a2", "Refused", 110),
            customer("a3", "Fine", 120),
        ],
    )
    erp = FakeSystem("erp")
    erp.fail = lambda r: fatal() if r["name"] == "Refused" else None
    result = run(context(make_flow(), crm, erp))

    with sessions() as session:
        by_run = select_letters(session, "crm-to-erp-customers", run_id=result.run_id)
        by_class = select_letters(session, "crm-to-erp-customers", error_class="ClientError")
        refused = list_letters(session, error_class="ClientError")
    assert len(by_run) == 2
    assert by_class == [refused[0].id]

    erp.fail = lambda r: None
    outcome = replay_letters(sessions, context(make_flow(), crm, erp), error_class="ClientError")

    assert outcome.replayed == by_class
    assert sorted(r["name"] for r in erp.records.values()) == ["Fine", "Refused"]
    with sessions() as session:
        assert len(list_letters(session)) == 1  # the poison record is still open


def test_discarded_letters_are_not_replayed(sessions, run):
    crm = FakeSystem("crm", [customer("a1", "Poison", 100, poison=True)])
    erp = FakeSystem("erp")
    run(context(make_flow(), crm, erp))
    with sessions.begin() as session:
        (letter,) = list_letters(session)
        assert discard_letters(session, [letter.id]) == 1

    outcome = replay_letters(sessions, context(make_flow(), crm, erp), ids=[letter.id])

    assert outcome.skipped == [letter.id]
    assert outcome.replayed == []


def test_a_newer_version_that_lands_supersedes_the_open_letter(sessions, run):
    crm = FakeSystem("crm", [customer("a1", "Poison", 100, poison=True)])
    erp = FakeSystem("erp")
    ctx = context(make_flow(), crm, erp)
    run(ctx)
    crm.records["a1"] = customer("a1", "Healed", 200)

    run(ctx)

    with sessions() as session:
        assert list_letters(session) == []
        (letter,) = list_letters(session, status="discarded")
    assert "superseded" in letter.message
    assert [r["name"] for r in erp.records.values()] == ["Healed"]
