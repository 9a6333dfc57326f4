"""Print each benchmark's median and its ratio to the baseline of its group.

Usage: python -m benchmarks.ratios .benchmarks/latest.json
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from typing import Any


def main(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        report: dict[str, Any] = json.load(f)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for bench in report["benchmarks"]:
        groups[bench["group"] or "(none)"].append(bench)
    cpu = report["machine_info"]["cpu"]["brand_raw"]
    print(f"\nMedians and ratios to each group's baseline ({cpu})")
    for group, benches in groups.items():
        baseline = next((b for b in benches if "baseline" in b["name"]), None)
        print(f"\n[{group}]")
        for b in sorted(benches, key=lambda b: b["stats"]["median"]):
            median = b["stats"]["median"]
            ratio = f"{median / baseline['stats']['median']:8.1f}x" if baseline else "         "
            extra = ", ".join(f"{k}={v}" for k, v in b.get("extra_info", {}).items())
            print(f"  {b['name']:<45} median {median * 1000:10.2f} ms {ratio}  {extra}")


if __name__ == "__main__":
    main(sys.argv[1])
