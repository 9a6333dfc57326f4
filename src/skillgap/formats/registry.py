"""The framework formats skillgap reads (and writes), by name: one adapter module each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skillgap.domain import Framework
from skillgap.errors import ValidationError
from skillgap.formats.imports import FrameworkImport


@dataclass(frozen=True)
class FrameworkOptions:
    framework_id: str | None = None  # default: the format's own (esco, onet, nice ...)
    name: str | None = None  # needed by csv / xlsx
    version: str | None = None
    occupations: bool = True
    scale: str | None = None  # the framework's proficiency scale, built in or stored


@dataclass(frozen=True)
class FrameworkFormat:
    name: str
    description: str
    reader: Callable[[Path, FrameworkOptions], FrameworkImport]
    writer: Callable[[Framework], dict[str, Any]] | None = None

    def read(self, path: Path, options: FrameworkOptions) -> FrameworkImport:
        return self.reader(path, options)

    def write(self, framework: Framework) -> dict[str, Any]:
        if self.writer is None:
            writable = ", ".join(n for n, f in FRAMEWORK_FORMATS.items() if f.writer)
            raise ValidationError(f"frameworks cannot be exported as {self.name} ({writable} can)")
        return self.writer(framework)


def _esco(path: Path, o: FrameworkOptions) -> FrameworkImport:
    from skillgap.formats.esco import read_esco

    return read_esco(
        path, framework_id=o.framework_id or "esco", occupations=o.occupations, version=o.version
    )


def _onet(path: Path, o: FrameworkOptions) -> FrameworkImport:
    from skillgap.formats.onet import read_onet

    return read_onet(
        path, framework_id=o.framework_id or "onet", occupations=o.occupations, version=o.version
    )


def _nice(path: Path, o: FrameworkOptions) -> FrameworkImport:
    from skillgap.formats.nice import read_nice

    return read_nice(path, framework_id=o.framework_id or "nice")


def _case(path: Path, o: FrameworkOptions) -> FrameworkImport:
    from skillgap.formats.case import read_case

    return read_case(path, framework_id=o.framework_id)


def _write_case(framework: Framework) -> dict[str, Any]:
    from skillgap.formats.case import write_case

    return write_case(framework)


def _table(path: Path, o: FrameworkOptions) -> FrameworkImport:
    from skillgap.formats.framework_table import read_framework_table

    if not o.framework_id or not o.name:
        raise ValidationError("a csv or xlsx framework needs --id and --name")
    return read_framework_table(
        path, framework_id=o.framework_id, name=o.name, version=o.version or "1"
    )


def _yaml(path: Path, o: FrameworkOptions) -> FrameworkImport:
    from skillgap.formats.bundle import TOP_KEYS
    from skillgap.formats.bundle.skills import read_framework
    from skillgap.formats.tabular import only_keys, read_yaml_mapping

    data = read_yaml_mapping(path)
    only_keys(data, TOP_KEYS["framework.yaml"], path.name)
    return FrameworkImport(read_framework(data, file=path.name))


FRAMEWORK_FORMATS: dict[str, FrameworkFormat] = {
    f.name: f
    for f in (
        FrameworkFormat("esco", "ESCO v1.1/v1.2 CSV export (a folder)", _esco),
        FrameworkFormat("onet", "O*NET database, Excel (a folder)", _onet),
        FrameworkFormat("nice", "NICE Workforce Framework components JSON", _nice),
        FrameworkFormat("case", "1EdTech CASE 1.0/1.1 CFPackage JSON", _case, _write_case),
        FrameworkFormat("csv", "skillgap framework template, CSV", _table),
        FrameworkFormat("xlsx", "skillgap framework template, Excel", _table),
        FrameworkFormat("yaml", "skillgap framework YAML (as in a bundle)", _yaml),
    )
}


def framework_format(name: str) -> FrameworkFormat:
    try:
        return FRAMEWORK_FORMATS[name]
    except KeyError:
        known = ", ".join(FRAMEWORK_FORMATS)
        raise ValidationError(f"unknown framework format {name!r} (known: {known})") from None
