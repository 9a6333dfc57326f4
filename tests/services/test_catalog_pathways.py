"""The catalog and pathways use cases on the demo organisation, on the memory twin, SQLite
and PostgreSQL: imports are all-or-nothing, progress comes from valid credentials only, and
a completed pathway is queued, approved (the organisation issues a credential linking the
stacked ones) or rejected, each step in the audit log."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from skillgap.clock import FixedClock
from skillgap.domain import IssuerTier
from skillgap.domain.pathways import AwardMode, AwardState
from skillgap.errors import ConflictError, InputError, NotFoundError, ValidationError
from skillgap.formats.bundle import Bundle
from skillgap.formats.pathways import pathways_yaml
from skillgap.issuing import issuer_setup
from skillgap.services import catalog, pathways
from skillgap.services.bundles import demo_folder, store_bundle
from skillgap.store import Store
from tests.issuing.builders import keys_of, memory_keys

CLOCK = FixedClock(datetime(2026, 11, 25, tzinfo=UTC))
DATA = demo_folder()
SECOPS = "security-operations"


@pytest.fixture
def demo(store: Store, demo_bundle: Bundle) -> Store:
    with store.transaction() as ws:
        store_bundle(ws, demo_bundle)
    catalog.import_catalog(store, [DATA / "catalog.yaml"])
    pathways.import_pathways(store, DATA / "pathways.yaml")
    return store


def test_the_demo_catalog_imports_with_its_quality_spread(demo: Store) -> None:
    listing = catalog.list_catalog(demo)
    assert len(listing.items) == 46
    weak = {j.item.id for j in listing.items if not j.credible}
    assert {"cyber-ninja-quiz", "data-science-guru-webinar", "sql-weekend-videos"} <= weak
    credible = catalog.list_catalog(demo, credible_only=True).items
    assert all(j.quality.passes and j.levels for j in credible)
    assert all(not j.levels for j in listing.items if not j.credible)
    sql = catalog.list_catalog(demo, competency="demo:sql").items
    assert sql and all(any(str(o.competency) == "demo:sql" for o in j.item.outcomes) for j in sql)


def test_import_again_updates_and_replace_removes(demo: Store, tmp_path: Path) -> None:
    again = catalog.import_catalog(demo, [DATA / "catalog.yaml"])
    assert (len(again.added), len(again.updated), again.removed) == (0, 46, ())
    one = tmp_path / "one.yaml"
    one.write_text(
        "items:\n  - {id: solo, name: Solo, provider: Me, competencies: 'demo:sql@2'}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match="is a unit of pathway"):
        catalog.import_catalog(demo, [one], replace=True)
    assert len(catalog.list_catalog(demo).items) == 46  # nothing half-written


def test_a_bad_file_stores_nothing(demo: Store, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id,name,provider,competencies,cost\nok,Ok,P,demo:sql@2,10\nno,No,P,demo:nope@2,10\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"bad.csv, row 3, field 'competencies'"):
        catalog.import_catalog(demo, [bad])
    assert "ok" not in {j.item.id for j in catalog.list_catalog(demo).items}


def test_export_reads_back(demo: Store, tmp_path: Path) -> None:
    path = tmp_path / "export.yaml"
    path.write_text(catalog.export_catalog(demo), encoding="utf-8")
    again = catalog.import_catalog(demo, [path])
    assert len(again.updated) == 46 and not again.added


def test_importing_pathways_defines_their_credentials(demo: Store) -> None:
    view = pathways.show_pathway(demo, SECOPS)
    awarded = view.achievements[view.pathway.awards or ""]
    assert awarded.issuer_id == "https://skills.tidewell.example/issuer"  # the internal board
    assert awarded.alignments and all(a.status.counts for a in awarded.alignments)
    with pytest.raises(NotFoundError, match="no pathway 'nope'"):
        pathways.show_pathway(demo, "nope")


def test_progress_counts_only_valid_credentials(demo: Store) -> None:
    report = pathways.progress(demo, CLOCK, pathway_id=SECOPS, person_id="E1038")
    assert report.detail is not None and report.detail.complete
    (row,) = report.rows
    assert row.complete and row.percent == 100
    everyone = pathways.progress(demo, CLOCK)
    assert all(r.percent > 0 for r in everyone.rows)
    assert len(pathways.progress(demo, CLOCK, started_only=False).rows) > len(everyone.rows)


def test_a_completed_review_pathway_is_queued_then_approved(demo: Store) -> None:
    run = pathways.award_completed(demo, None, CLOCK, actor="hr")
    assert [a.id for a in run.queued] == [f"{SECOPS}/E1038"] and not run.issued
    assert pathways.award_completed(demo, None, CLOCK, actor="hr").queued == ()  # once
    issuer_setup.init_issuer(
        demo, memory_keys(), name="Tidewell", url="https://skills.tidewell.example", clock=CLOCK
    )
    with demo.transaction() as ws:  # the board's achievement may be issued by the org
        assert ws.issuers.get("https://skills.tidewell.example/issuer").tier is (
            IssuerTier.INTERNAL_BOARD
        )
    done = pathways.decide(
        demo, keys_of(memory_keys()), CLOCK, f"{SECOPS}/E1038", approve=True, actor="board"
    )
    assert done.state is AwardState.ISSUED and done.decided_by == "board"
    with demo.transaction() as ws:
        award = ws.awards.get(done.issued_id or "")
        assert award.person_id == "E1038" and award.verification is not None
        assert award.verification.status == "valid"
        document = json.loads(award.document)
        actions = [e.action for e in ws.audit.list()]
    narratives = [e["narrative"] for e in document["evidence"]]
    assert [n.split()[1].rstrip(",") for n in narratives] == list(done.units)
    assert actions[:2] == ["pathway credential issued", "pathway complete"]
    with pytest.raises(ConflictError, match="decided already"):
        pathways.decide(demo, None, CLOCK, done.id, approve=False, actor="x")
    # Holding the credential now, the person is not proposed again.
    assert pathways.award_completed(demo, None, CLOCK, actor="hr").queued == ()


def test_a_rejected_award_is_recorded_and_not_proposed_again(demo: Store) -> None:
    pathways.award_completed(demo, None, CLOCK, actor="hr")
    rejected = pathways.decide(
        demo, None, CLOCK, f"{SECOPS}/E1038", approve=False, actor="board", note="old"
    )
    assert rejected.state is AwardState.REJECTED and rejected.note == "old"
    assert pathways.pending_awards(demo) == []
    assert pathways.award_completed(demo, None, CLOCK, actor="hr").queued == ()
    with demo.transaction() as ws:
        (entry,) = ws.audit.list(action="pathway credential rejected")
    assert entry.actor == "board" and entry.subject == "E1038"


def test_an_automatic_pathway_issues_at_once(demo: Store, tmp_path: Path) -> None:
    with demo.transaction() as ws:
        secops = ws.pathways.get(SECOPS)
    automatic = tmp_path / "auto.yaml"
    automatic.write_text(pathways_yaml([replace(secops, mode=AwardMode.AUTOMATIC)]))
    pathways.import_pathways(demo, automatic)
    issuer_setup.init_issuer(
        demo, memory_keys(), name="Tidewell", url="https://skills.tidewell.example", clock=CLOCK
    )
    run = pathways.award_completed(demo, keys_of(memory_keys()), CLOCK, actor="hr")
    (issued,) = run.issued
    assert issued.state is AwardState.ISSUED and issued.issued_id and not run.queued


def test_an_automatic_pathway_without_an_issuer_key_is_queued_with_the_reason(
    demo: Store, tmp_path: Path
) -> None:
    with demo.transaction() as ws:
        secops = ws.pathways.get(SECOPS)
    automatic = tmp_path / "auto.yaml"
    automatic.write_text(pathways_yaml([replace(secops, mode=AwardMode.AUTOMATIC)]))
    pathways.import_pathways(demo, automatic)
    run = pathways.award_completed(demo, keys_of(memory_keys()), CLOCK, actor="hr")
    (queued,) = run.queued
    assert queued.state is AwardState.PENDING
    assert queued.note.startswith("automatic award failed:")
