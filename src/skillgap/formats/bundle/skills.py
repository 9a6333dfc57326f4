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
from skillgap.errors import InputError, ValidationError
from skillgap.formats.tabular import (
    Where,
    as_date,
    as_enum,
    as_int,
    as_list,
    as_mapping,
    as_text,
    rule_broken,
    unique,
)


def read_framework(data: dict[str, Any]) -> Framework:
    file = "framework.yaml"
    fw_id = as_text(data.get("id"), Where(file, "id"))
    scale_id = as_text(data.get("scale", "skillgap-0-5"), Where(file, "scale"))
    if scale_id not in BUILTIN_SCALES:
        raise Where(file, "scale").error(
            f"unknown scale {scale_id!r} (known: {', '.join(BUILTIN_SCALES)})"
        )
    groups = []
    for i, item in enumerate(as_list(data.get("groups"), Where(file, "groups"))):
        w = Where(file, f"groups[{i}]")
        g = as_mapping(item, w)
        groups.append(
            CapabilityGroup(
                code=as_text(g.get("code"), w.at(f"groups[{i}].code")),
                name=as_text(g.get("name"), w.at(f"groups[{i}].name")),
                description=as_text(g.get("description"), w, required=False),
                parent=as_text(g.get("parent"), w, required=False) or None,
            )
        )
    comps = []
    for i, item in enumerate(as_list(data.get("competencies"), Where(file, "competencies"))):
        w = Where(file, f"competencies[{i}]")
        c = as_mapping(item, w)
        labels = as_list(c.get("alt_labels"), w.at(f"competencies[{i}].alt_labels"))
        comps.append(
            Competency(
                framework=fw_id,
                code=as_text(c.get("code"), w.at(f"competencies[{i}].code")),
                name=as_text(c.get("name"), w.at(f"competencies[{i}].name")),
                description=as_text(c.get("description"), w, required=False),
                group=as_text(c.get("group"), w, required=False) or None,
                kind=as_enum(c.get("kind", "hard"), SkillKind, w.at(f"competencies[{i}].kind")),
                uri=as_text(c.get("uri"), w, required=False) or None,
                alt_labels=tuple(as_text(label, w) for label in labels),
            )
        )
    try:
        return Framework(
            id=fw_id,
            name=as_text(data.get("name"), Where(file, "name")),
            version=as_text(data.get("version", "1"), Where(file, "version")),
            description=as_text(
                data.get("description"), Where(file, "description"), required=False
            ),
            source=file,
            scale=BUILTIN_SCALES[scale_id],
            groups=tuple(groups),
            competencies=tuple(comps),
        )
    except ValidationError as exc:
        raise InputError(str(exc), file=file) from None


def competency_ref(framework: Framework, code: object, where: Where) -> CompetencyRef:
    text = as_text(code, where)
    ref = CompetencyRef.parse(text, default_framework=framework.id)
    if ref.framework != framework.id or not framework.has(ref.code):
        raise where.error(f"unknown competency {text!r} (not in framework {framework.id!r})")
    return ref


def scale_level(framework: Framework, value: object, where: Where) -> int:
    level = as_int(value, where)
    try:
        framework.scale.level(level)
    except ValidationError as exc:
        raise rule_broken(exc, where) from None
    return level


def read_roles(data: dict[str, Any], framework: Framework) -> tuple[Role, ...]:
    file = "roles.yaml"
    roles = []
    for i, item in enumerate(as_list(data.get("roles"), Where(file, "roles"))):
        w = Where(file, f"roles[{i}]")
        r = as_mapping(item, w)
        reqs = []
        for j, req in enumerate(as_list(r.get("requirements"), w.at(f"roles[{i}].requirements"))):
            rw = Where(file, f"roles[{i}].requirements[{j}]")
            q = as_mapping(req, rw)
            horizon = q.get("horizon")
            reqs.append(
                Requirement(
                    competency=competency_ref(
                        framework, q.get("competency"), rw.at(rw.field + ".competency")
                    ),
                    level=scale_level(framework, q.get("level"), rw.at(rw.field + ".level")),
                    importance=as_enum(
                        q.get("importance", "important"),
                        Importance,
                        rw.at(rw.field + ".importance"),
                    ),
                    horizon=None
                    if horizon in (None, "now")
                    else as_date(horizon, rw.at(rw.field + ".horizon")),
                )
            )
        try:
            roles.append(
                Role(
                    id=as_text(r.get("id"), w.at(f"roles[{i}].id")),
                    name=as_text(r.get("name"), w.at(f"roles[{i}].name")),
                    description=as_text(r.get("description"), w, required=False),
                    family=as_text(r.get("family"), w, required=False),
                    requirements=tuple(reqs),
                )
            )
        except ValidationError as exc:
            raise rule_broken(exc, w) from None
    unique([r.id for r in roles], Where(file, "roles"), "role id")
    return tuple(roles)
