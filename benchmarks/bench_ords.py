"""Speed of the ORDS reader against a bare ``pandas.read_csv`` of the same files, in the same run.

Run: ``.venv/bin/python benchmarks/bench_ords.py [folder with the ORDS files]``. Without a folder it
reads ``../shared/external/ords`` when present, else the gzip copies shipped in ``tests/data/ords``.
Prints rows per second for each file and the ratio (reader time ÷ bare read time).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

from werkplaats_data.repair import read_ords

FILES = ("OpenRepairData_v0.2.1_RepairCafeInternational_202009.csv", "OpenRepairData_v0.3_RestartProject_202204.csv")
SHARED = Path(__file__).resolve().parents[2] / "shared" / "external" / "ords"
SHIPPED = Path(__file__).resolve().parents[1] / "tests" / "data" / "ords"
REPEATS = 3


def default_folder() -> Path:
    """The shared ORDS folder when it has both files, else the gzip copies in tests/data/ords."""
    return SHARED if all((SHARED / name).exists() for name in FILES) else SHIPPED


def file_in(folder: Path, name: str) -> Path:
    """The file itself, or its gzip copy (``name.gz``)."""
    return folder / name if (folder / name).exists() else folder / f"{name}.gz"


def best_time(function, path: Path) -> float:
    """The fastest of ``REPEATS`` runs, in seconds (the least disturbed by other work on the machine)."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        function(path)
        times.append(time.perf_counter() - start)
    return min(times)


def main(folder: Path) -> None:
    print(f"folder: {folder}")
    read_ords(file_in(folder, FILES[0]))  # warm-up: imports and reference tables
    print(f"{'file':<60} {'rows':>7} {'read_csv rows/s':>16} {'read_ords rows/s':>17} {'ratio':>6}")
    for name in FILES:
        path = file_in(folder, name)
        rows = len(pd.read_csv(path, dtype=str, keep_default_na=False))
        bare = best_time(lambda p: pd.read_csv(p, dtype=str, keep_default_na=False), path)
        ours = best_time(read_ords, path)
        print(f"{name:<60} {rows:>7} {rows / bare:>16,.0f} {rows / ours:>17,.0f} {ours / bare:>6.1f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default_folder())
