"""Bundle files about skills: framework.yaml and roles.yaml."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from skillgap.domain import (
    BUILTIN_SCALES,
    CapabilityGroup,
    Competency,
    CompetencyRef,
    Framework,
    Importance,
    ProficiencyScale,
    Requirement,
    Role,
    SkillKind,
)
from skillgap.formats.bundle.checks import (
    Known,
    Read,
    attempt,
    mapping_of,
    settle,
)
from skillgap.formats.collect import ErrorList
from skillgap.formats.tabular import (
    Where,
    as_date,
    as_enum,
    as_int,
    as_list,
    as_text,
    list_items,
    rules_at,
)

GROUP_KEYS = {"code", "name", "description", "parent"}
COMPETENCY_KEYS = {"code", "name", "description", "group", "kind", "alt_labels", "uri"}
ROLE_KEYS = {"id", "name", "family", "description", "requirements"}
REQUIREMENT_KEYS = {"competency", "level", "importance", "horizon"}


@dataclass(frozen=True)
class FrameworkRead:
    """framework.yaml as read, to check the references of other files against.

    ``framework`` holds what read well (``None`` when no framework could be made: nothing is
    checked against it then); ``failed`` the codes of competencies that had errors, and
    ``levels`` whether the scale is known, so levels can be checked. A reference to what
    could not be read is not reported: the error that made it unreadable is.
    """

    framework: Framework | None
    failed: frozenset[str] = frozenset()
    levels: bool = True

    def competency(self, code: object, where: Where) -> CompetencyRef | None:
        """The competency ``code`` names; ``None`` when it cannot be checked (no error)."""
        text = as_text(code, where)
        fw = self.framework
        if fw is None:
            return None
        ref = CompetencyRef.parse(text, default_framework=fw.id)
        if ref.framework == fw.id and ref.code in self.failed:
            return None
        return competency_ref(fw, text, where)

    def level(self, value: object, where: Where) -> int:
        if self.framework is None or not self.levels:
            return as_int(value, where)
        return scale_level(self.framework, value, where)


def read_framework(data: dict[str, Any], file: str = "framework.yaml") -> Framework:
    """The framework of a framework.yaml file's ``data``; raises every error found in it."""
    errors = ErrorList()
    read: FrameworkRead | None = None
    with errors.collect():  # a part that cannot be read at all stops the reading
        read = read_framework_into(data, errors, file)
    errors.raise_if_any()
    assert read is not None and read.framework is not None
    return read.framework


def read_framework_into(
    data: dict[str, Any], errors: ErrorList, file: str = "framework.yaml"
) -> FrameworkRead:
    """The framework, its errors kept in ``errors``; when there are any, its ``framework``
    is only what read well (good enough to check references against), not a result."""
    fw_id = attempt(errors, _framework_id, data.get("id"), Where(file, "id"))
    scale = attempt(errors, _scale, data.get("scale", "skillgap-0-5"), Where(file, "scale"))
    name = attempt(errors, as_text, data.get("name"), Where(file, "name"))
    version = attempt(errors, as_text, data.get("version", "1"), Where(file, "version"))
    description = attempt(
        errors, as_text, data.get("description"), Where(file, "description"), required=False
    )
    read_groups = [_group(item, w, errors) for w, item in list_items(data, "groups", file)]
    groups, group_codes = settle(read_groups, "capability group", errors)
    for g, w in groups:
        if g.parent is not None and group_codes.unknown(g.parent):
            errors.add(w.sub("parent").error(f"unknown parent group {g.parent!r}"))
    read_comps = [
        _competency(fw_id, item, w, group_codes, errors)
        for w, item in list_items(data, "competencies", file)
    ]
    comps, comp_codes = settle(read_comps, "competency", errors)
    if fw_id is None:
        return FrameworkRead(None)
    framework: Framework | None = None
    with errors.collect(), rules_at(Where(file, "groups")):  # the rule left: no cycles
        framework = Framework(
            id=fw_id,
            name=name or fw_id,
            version=version or "1",
            description=description or "",
            source=file,
            scale=scale or BUILTIN_SCALES["skillgap-0-5"],
            groups=_known_parents([g for g, _ in groups]),
            competencies=_known_groups([c for c, _ in comps], {g.code for g, _ in groups}),
        )
    if framework is None:  # a cycle of groups: still check references to the competencies
        framework = Framework(
            id=fw_id,
            name=fw_id,
            scale=scale or BUILTIN_SCALES["skillgap-0-5"],
            competencies=tuple(replace(c, group=None) for c, _ in comps),
        )
    return FrameworkRead(framework, comp_codes.failed, levels=scale is not None)


def _known_parents(groups: list[CapabilityGroup]) -> tuple[CapabilityGroup, ...]:
    """The groups, a parent that did not read (its error reported) left out."""
    codes = {g.code for g in groups}
    return tuple(
        g if g.parent is None or g.parent in codes else replace(g, parent=None) for g in groups
    )


def _known_groups(comps: list[Competency], codes: set[str]) -> tuple[Competency, ...]:
    """The competencies, a group that did not read (its error reported) left out."""
    return tuple(
        c if c.group is None or c.group in codes else replace(c, group=None) for c in comps
    )


def _framework_id(value: object, where: Where) -> str:
    fw_id = as_text(value, where)
    if ":" in fw_id:
        raise where.error(f"framework id {fw_id!r} must not contain ':'")
    return fw_id


def _scale(value: object, where: Where) -> ProficiencyScale:
    scale_id = as_text(value, where)
    if scale_id not in BUILTIN_SCALES:
        raise where.error(f"unknown scale {scale_id!r} (known: {', '.join(BUILTIN_SCALES)})")
    return BUILTIN_SCALES[scale_id]


def _group(item: object, w: Where, errors: ErrorList) -> Read[tuple[CapabilityGroup, Where]]:
    before = len(errors)
    g = mapping_of(item, w, GROUP_KEYS, errors)
    if g is None:
        return Read(None, None, w.sub("code"))
    code = attempt(errors, as_text, g.get("code"), w.sub("code"))
    name = attempt(errors, as_text, g.get("name"), w.sub("name"))
    description = attempt(
        errors, as_text, g.get("description"), w.sub("description"), required=False
    )
    parent = attempt(errors, as_text, g.get("parent"), w.sub("parent"), required=False)
    group = None
    if code is not None and name is not None and len(errors) == before:
        group = CapabilityGroup(
            code=code, name=name, description=description or "", parent=parent or None
        )
    return Read(code, None if group is None else (group, w), w.sub("code"))


def _competency(
    framework: str | None, item: object, w: Where, groups: Known, errors: ErrorList
) -> Read[tuple[Competency, Where]]:
    before = len(errors)
    c = mapping_of(item, w, COMPETENCY_KEYS, errors)
    if c is None:
        return Read(None, None, w.sub("code"))
    code = attempt(errors, as_text, c.get("code"), w.sub("code"))
    name = attempt(errors, as_text, c.get("name"), w.sub("name"))
    description = attempt(
        errors, as_text, c.get("description"), w.sub("description"), required=False
    )
    group = attempt(errors, as_text, c.get("group"), w.sub("group"), required=False)
    if group and groups.unknown(group):
        errors.add(w.sub("group").error(f"unknown group {group!r}"))
    kind = attempt(errors, as_enum, c.get("kind", "hard"), SkillKind, w.sub("kind"))
    uri = attempt(errors, as_text, c.get("uri"), w.sub("uri"), required=False)
    labels_at = w.sub("alt_labels")
    labels = [
        attempt(errors, as_text, label, labels_at.sub(k))
        for k, label in enumerate(attempt(errors, as_list, c.get("alt_labels"), labels_at) or [])
    ]
    comp = None
    if framework is not None and code is not None and name is not None and kind is not None:
        comp = Competency(
            framework=framework,
            code=code,
            name=name,
            description=description or "",
            group=group or None,
            kind=kind,
            uri=uri or None,
            alt_labels=tuple(label for label in labels if label is not None),
        )
    ok = comp is not None and len(errors) == before
    return Read(code, (comp, w) if comp is not None and ok else None, w.sub("code"))


def competency_ref(framework: Framework, code: object, where: Where) -> CompetencyRef:
    text = as_text(code, where)
    ref = CompetencyRef.parse(text, default_framework=framework.id)
    if ref.framework != framework.id or not framework.has(ref.code):
        raise where.error(f"unknown competency {text!r} (not in framework {framework.id!r})")
    return ref


def scale_level(framework: Framework, value: object, where: Where) -> int:
    level = as_int(value, where)
    with rules_at(where):
        framework.scale.level(level)
    return level


def read_roles(
    data: dict[str, Any], framework: FrameworkRead, errors: ErrorList
) -> tuple[tuple[Role, ...], Known]:
    """The roles that read well, and the ids of all; the errors of the others kept."""
    read = [
        _role(item, w, framework, errors) for w, item in list_items(data, "roles", "roles.yaml")
    ]
    roles, known = settle(read, "role id", errors)
    return tuple(roles), known


def _role(item: object, w: Where, framework: FrameworkRead, errors: ErrorList) -> Read[Role]:
    before = len(errors)
    r = mapping_of(item, w, ROLE_KEYS, errors)
    if r is None:
        return Read(None, None, w.sub("id"))
    ident = attempt(errors, as_text, r.get("id"), w.sub("id"))
    name = attempt(errors, as_text, r.get("name"), w.sub("name"))
    description = attempt(
        errors, as_text, r.get("description"), w.sub("description"), required=False
    )
    family = attempt(errors, as_text, r.get("family"), w.sub("family"), required=False)
    reqs_at = w.sub("requirements")
    reqs = [
        _requirement(framework, req, reqs_at.sub(j), errors)
        for j, req in enumerate(attempt(errors, as_list, r.get("requirements"), reqs_at) or [])
    ]
    role = None
    if ident is not None and name is not None:
        with errors.collect(), rules_at(reqs_at):  # the rule left: a need appears twice
            role = Role(
                id=ident,
                name=name,
                description=description or "",
                family=family or "",
                requirements=tuple(req for req in reqs if req is not None),
            )
    return Read(ident, role if len(errors) == before else None, w.sub("id"))


def _requirement(
    framework: FrameworkRead, item: object, w: Where, errors: ErrorList
) -> Requirement | None:
    """The requirement; ``None`` when it had an error, or names a competency that did."""
    before = len(errors)
    q = mapping_of(item, w, REQUIREMENT_KEYS, errors)
    if q is None:
        return None
    ref = attempt(errors, framework.competency, q.get("competency"), w.sub("competency"))
    level = attempt(errors, framework.level, q.get("level"), w.sub("level"))
    importance = attempt(
        errors, as_enum, q.get("importance", "important"), Importance, w.sub("importance")
    )
    horizon = q.get("horizon")
    when = None if horizon in (None, "now") else attempt(errors, as_date, horizon, w.sub("horizon"))
    if ref is None or level is None or importance is None or len(errors) > before:
        return None
    return Requirement(competency=ref, level=level, importance=importance, horizon=when)
