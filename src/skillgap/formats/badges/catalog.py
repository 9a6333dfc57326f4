"""Catalog items from Open Badges achievement definitions (``formats.catalog`` reads the
tables and YAML): an OB 2.0 BadgeClass, an OB 3.0 Achievement, or an OB 3.0
AchievementCredential (its ``credentialSubject.achievement``), one per JSON file, read with
the guards of ``badges.sources.load_json``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from skillgap.analysis.assessment import infer_assessment
from skillgap.domain import CompetencyRef, Issuer, IssuerTier
from skillgap.domain.catalog import CatalogItem, ItemKind, Outcome
from skillgap.errors import InputError, ValidationError
from skillgap.formats.badges.sources import PayloadError, load_json
from skillgap.formats.catalog_lookup import LEVEL_SUFFIX, CompetencyLookup
from skillgap.formats.catalog_reading import CatalogRead, Placed, Reading, finish_reading
from skillgap.formats.collect import ErrorList
from skillgap.formats.tabular import Where, as_int, as_text, read_text

# --- Open Badges achievement definitions

_CREDENTIALS = {"AchievementCredential", "OpenBadgeCredential"}
_KINDS = {
    **dict.fromkeys(("course", "certificateofcompletion"), ItemKind.COURSE),
    **dict.fromkeys(
        ("certification", "license", "qualityassurancecredential"), ItemKind.CERTIFICATION
    ),
    **dict.fromkeys(("assessment", "assignment"), ItemKind.ASSESSMENT),
    **dict.fromkeys(
        ("learningprogram", "apprenticeshipcertificate", "diploma", "degree"), ItemKind.PROGRAMME
    ),
    **dict.fromkeys(("fieldwork", "internship", "journeymancertificate"), ItemKind.ON_THE_JOB),
}


def read_badge_catalog(
    paths: Sequence[Path],
    lookup: CompetencyLookup,
    *,
    default_level: int,
    issuers: Iterable[Issuer] = (),
) -> CatalogRead:
    """Catalog items from Open Badges achievement definitions, one per JSON file.

    An item's id and ``achievement_id`` are the achievement's id; its provider and issuer tier
    come from ``issuers`` (the workspace's registry) when it holds the issuer, else from the
    document; an issuer of the internal-board tier makes the item internal. Its kind is read
    from ``achievementType`` (else a micro-credential), its assessment by ``infer_assessment``.
    A credential gives no cost or hours: they are 0, with a warning. Raises ``InputErrors``
    with every error of every file."""
    registry = {issuer.id: issuer for issuer in issuers}
    reading = Reading()
    for path in paths:
        with reading.errors.collect():
            item = _badge_item(path, lookup, default_level, registry, reading.warnings)
            where = Where(path.name, "id")
            reading.placed.append(Placed(item, where, where))
    return finish_reading(reading)


def _badge_item(
    path: Path,
    lookup: CompetencyLookup,
    default_level: int,
    registry: Mapping[str, Issuer],
    warnings: list[str],
) -> CatalogItem:
    file = path.name
    try:
        doc = load_json(read_text(path), file)
    except PayloadError as exc:
        raise InputError(str(exc).removeprefix(f"{file}: "), file=file) from None
    if not isinstance(doc, dict):
        raise InputError("expected a JSON object at the top", file=file)
    kinds = doc.get("type")
    types = {kinds} if isinstance(kinds, str) else set(kinds if isinstance(kinds, list) else [])
    if types & _CREDENTIALS:
        subject = doc.get("credentialSubject")
        subject = subject[0] if isinstance(subject, list) and subject else subject
        found = subject.get("achievement") if isinstance(subject, dict) else None
        if not isinstance(found, dict):
            at = "credentialSubject.achievement"
            raise InputError("the credential names no achievement", file=file, field=at)
        achievement, prefix, issuer = found, "credentialSubject.achievement.", doc.get("issuer")
    elif types & {"BadgeClass", "Achievement"}:
        achievement, prefix = doc, ""
        issuer = doc.get("issuer" if "BadgeClass" in types else "creator")
    else:
        raise InputError(
            "is not an Open Badges BadgeClass, Achievement or AchievementCredential",
            file=file,
            field="type",
        )
    errors = ErrorList()

    def text(doc: Mapping[str, Any], at: str, required: bool = True) -> str:
        where = Where(file, at)
        value = doc.get(at.rpartition(".")[2])
        return errors.attempt(lambda: as_text(value, where, required=required)) or ""

    ident, name = text(achievement, prefix + "id"), text(achievement, prefix + "name")
    description = text(achievement, prefix + "description", required=False)
    alignments = Where(file, prefix + "alignment")
    outcomes = _badge_outcomes(achievement, alignments, lookup, default_level, errors, warnings)
    profile = issuer if isinstance(issuer, dict) else {"id": issuer}
    issuer_at = "issuer" if prefix or "BadgeClass" in types else "creator"
    issuer_id = text(profile, f"{issuer_at}.id", required=False)
    own_name = text(profile, f"{issuer_at}.name", required=False)
    held = registry.get(issuer_id)
    errors.raise_if_any()
    criteria = achievement.get("criteria")
    url = criteria.get("id") if isinstance(criteria, dict) else criteria
    kind = str(achievement.get("achievementType", "")).casefold()
    try:
        item = CatalogItem(
            id=ident,
            name=name,
            provider=held.name if held else own_name or issuer_id or "unknown",
            kind=_KINDS.get(kind, ItemKind.MICRO_CREDENTIAL),
            internal=held is not None and held.tier is IssuerTier.INTERNAL_BOARD,
            outcomes=outcomes,
            issuer_tier=held.tier if held else IssuerTier.UNKNOWN,
            assessment=infer_assessment(achievement)[0],
            achievement_id=ident,
            url=url if isinstance(url, str) and url.startswith(("https://", "http://")) else None,
            description=description,
        )
    except ValidationError as exc:
        raise InputError(str(exc), file=file, field=prefix + "id") from None
    if not outcomes:
        warnings.append(f"{file}: item {ident!r} evidences no competency of the workspace")
    warnings.append(f"{file}: item {ident!r} gives no cost or hours: counted as 0")
    return item


def _badge_outcomes(
    achievement: Mapping[str, Any],
    where: Where,
    lookup: CompetencyLookup,
    default_level: int,
    errors: ErrorList,
    warnings: list[str],
) -> tuple[Outcome, ...]:
    """The outcomes of the alignments naming a known competency (the highest level of each)."""
    found: dict[CompetencyRef, Outcome] = {}
    alignments = achievement.get("alignment")
    alignments = alignments if isinstance(alignments, list) else [alignments] if alignments else []
    for i, alignment in enumerate(alignments):
        at = where.sub(i)
        if not isinstance(alignment, dict):
            errors.add(at.error("expected a JSON object"))
            continue
        given = {k: v.strip() for k, v in alignment.items() if isinstance(v, str) and v.strip()}
        code = given.get("targetCode")
        suffix = LEVEL_SUFFIX.search(code) if code else None
        if code and suffix:
            code = code[: suffix.start()].strip()
        refs = lookup.targets(given.get("targetUrl"), code, given.get("targetFramework"))
        if not refs:
            label = given.get("targetName") or code or given.get("targetUrl") or "(unnamed)"
            warnings.append(
                f"{at.file}, {at.field}: {label!r} names no competency of the workspace: left out"
            )
            continue
        level_at = at.sub("level")
        level = alignment.get("level", suffix.group(1) if suffix else default_level)
        for ref in refs:
            with errors.collect():
                outcome = _checked(lambda: lookup.outcome(ref, as_int(level, level_at)), level_at)  # noqa: B023
                if ref not in found or found[ref].level < outcome.level:
                    found[ref] = outcome
    return tuple(found.values())


def _checked(make: Callable[[], Outcome], where: Where) -> Outcome:
    try:
        return make()
    except InputError:
        raise
    except ValidationError as exc:
        raise where.error(str(exc)) from None
