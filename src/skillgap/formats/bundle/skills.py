"""Bundle files about skills: framework.yaml and roles.yaml."""

from __future__ import annotations

from typing import Any

from skillgap.domain import (
    BUILTIN_SCALES,
    CapabilityGroup,
    Competency,
    CompetencyRef,
    Framework,
    Importance,
    Requirement,
    Role,
    SkillKind,
)
from skillgap.formats.tabular import (
    Where,
    as_date,
    as_enum,
    as_int,
    as_list,
    as_mapping,
    as_text,
    list_items,
    rules_at,
    unique,
)

COMPETENCY_KEYS = {"code", "name", "description", "group", "kind", "alt_labels", "uri"}


def read_framework(data: dict[str, Any], file: str = "framework.yaml") -> Framework:
    fw_id = as_text(data.get("id"), Where(file, "id"))
    if ":" in fw_id:
        raise Where(file, "id").error(f"framework id {fw_id!r} must not contain ':'")
    scale_id = as_text(data.get("scale", "skillgap-0-5"), Where(file, "scale"))
    if scale_id not in BUILTIN_SCALES:
        raise Where(file, "scale").error(
            f"unknown scale {scale_id!r} (known: {', '.join(BUILTIN_SCALES)})"
        )
    groups = [(_group(item, w), w) for w, item in list_items(data, "groups", file)]
    unique([(g.code, w.sub("code")) for g, w in groups], "capability group")
    codes = {g.code for g, _ in groups}
    for g, w in groups:
        if g.parent is not None and g.parent not in codes:
            raise w.sub("parent").error(f"unknown parent group {g.parent!r}")
    comps = [(_competency(fw_id, item, w), w) for w, item in list_items(data, "competencies", file)]
    unique([(c.code, w.sub("code")) for c, w in comps], "competency")
    for c, w in comps:
        if c.group is not None and c.group not in codes:
            raise w.sub("group").error(f"unknown group {c.group!r}")
    with rules_at(Where(file, "groups")):  # the rule left: no cycles among the groups
        return Framework(
            id=fw_id,
            name=as_text(data.get("name"), Where(file, "name")),
            version=as_text(data.get("version", "1"), Where(file, "version")),
            description=as_text(
                data.get("description"), Where(file, "description"), required=False
            ),
            source=file,
            scale=BUILTIN_SCALES[scale_id],
            groups=tuple(g for g, _ in groups),
            competencies=tuple(c for c, _ in comps),
        )


def _group(item: object, w: Where) -> CapabilityGroup:
    g = as_mapping(item, w, {"code", "name", "description", "parent"})
    return CapabilityGroup(
        code=as_text(g.get("code"), w.sub("code")),
        name=as_text(g.get("name"), w.sub("name")),
        description=as_text(g.get("description"), w.sub("description"), required=False),
        parent=as_text(g.get("parent"), w.sub("parent"), required=False) or None,
    )


def _competency(framework: str, item: object, w: Where) -> Competency:
    c = as_mapping(item, w, COMPETENCY_KEYS)
    labels = as_list(c.get("alt_labels"), w.sub("alt_labels"))
    return Competency(
        framework=framework,
        code=as_text(c.get("code"), w.sub("code")),
        name=as_text(c.get("name"), w.sub("name")),
        description=as_text(c.get("description"), w.sub("description"), required=False),
        group=as_text(c.get("group"), w.sub("group"), required=False) or None,
        kind=as_enum(c.get("kind", "hard"), SkillKind, w.sub("kind")),
        uri=as_text(c.get("uri"), w.sub("uri"), required=False) or None,
        alt_labels=tuple(
            as_text(label, w.sub("alt_labels").sub(k)) for k, label in enumerate(labels)
        ),
    )


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


def read_roles(data: dict[str, Any], framework: Framework) -> tuple[Role, ...]:
    roles = []
    for w, item in list_items(data, "roles", "roles.yaml"):
        r = as_mapping(item, w, {"id", "name", "family", "description", "requirements"})
        reqs = [
            _requirement(framework, req, w.sub("requirements").sub(j))
            for j, req in enumerate(as_list(r.get("requirements"), w.sub("requirements")))
        ]
        with rules_at(w.sub("requirements")):  # the rule left: a need appears twice
            role = Role(
                id=as_text(r.get("id"), w.sub("id")),
                name=as_text(r.get("name"), w.sub("name")),
                description=as_text(r.get("description"), w.sub("description"), required=False),
                family=as_text(r.get("family"), w.sub("family"), required=False),
                requirements=tuple(reqs),
            )
        roles.append((role, w))
    unique([(role.id, w.sub("id")) for role, w in roles], "role id")
    return tuple(role for role, _ in roles)


def _requirement(framework: Framework, item: object, w: Where) -> Requirement:
    q = as_mapping(item, w, {"competency", "level", "importance", "horizon"})
    horizon = q.get("horizon")
    return Requirement(
        competency=competency_ref(framework, q.get("competency"), w.sub("competency")),
        level=scale_level(framework, q.get("level"), w.sub("level")),
        importance=as_enum(q.get("importance", "important"), Importance, w.sub("importance")),
        horizon=None if horizon in (None, "now") else as_date(horizon, w.sub("horizon")),
    )
