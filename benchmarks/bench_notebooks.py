"""Benchmark: execute every research notebook from a clean kernel and print the time of each.

Baseline: a one-cell notebook (kernel start-up only) executed the same way in the same run.
Target (issue 3): all research notebooks together under 60 s on the 2-core machine.

    python benchmarks/bench_notebooks.py [NOTEBOOK ...]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def run(notebook: nbformat.NotebookNode, cwd: Path) -> float:
    """Seconds to execute the notebook in a fresh kernel."""
    start = time.perf_counter()
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return time.perf_counter() - start


def main(paths: list[str]) -> None:
    notebooks = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    import werkplaats_data as wd

    wd.load_release()  # build the demo release once, outside the timings
    bare = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    base = run(bare, ROOT)
    print(f"{'notebook':32} {'seconds':>8} {'× bare kernel':>14}")
    print(f"{'(bare one-cell notebook)':32} {base:8.1f} {1:14.1f}")
    total = 0.0
    for path in notebooks:
        seconds = run(nbformat.read(path, as_version=4), path.parent)
        total += seconds
        print(f"{path.name:32} {seconds:8.1f} {seconds / base:14.1f}")
    print(f"{'total':32} {total:8.1f}")
    print(f"target: all research notebooks < 60 s — {'met' if total < 60 else 'NOT met'} ({total:.1f} s)")


if __name__ == "__main__":
    main(sys.argv[1:])
