"""Benchmark: execute every notebook from a clean kernel and print the time of each.

Baseline: a one-cell notebook (kernel start-up only) executed the same way in the same run.
Target (issue 3): all research notebooks (01–08) together under 60 s on the 2-core machine; 01–03
(participation, poverty context, motivation) are printed apart with their own total. Exits 1 when
the target is missed.

No notebook may reach the network while it is timed: a cell injected right after the parameters
cell makes every name lookup except the local machine's fail (as on a machine without internet),
and notebook 02 gets ``live = False``, so the time never depends on CBS StatLine.

    python benchmarks/bench_notebooks.py [NOTEBOOK ...]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
RESEARCH = ("01_", "02_", "03_")
TARGET_SECONDS = 60
#: Injected into every timed notebook: name lookups for anything but this machine fail at once.
OFFLINE = '''import socket as _socket
_lookup = _socket.getaddrinfo
def _local_only(host, *args, **kwargs):
    if host not in ("localhost", "127.0.0.1", "::1", None):
        raise _socket.gaierror(-2, f"benchmark: no network for {host}")
    return _lookup(host, *args, **kwargs)
_socket.getaddrinfo = _local_only
live = False  # notebook 02: shipped CBS figures only'''


def offline(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with ``OFFLINE`` right after its ``parameters`` cell (first, when it has none)."""
    tagged = [i for i, cell in enumerate(notebook.cells) if "parameters" in cell.metadata.get("tags", [])]
    notebook.cells.insert(tagged[0] + 1 if tagged else 0, nbformat.v4.new_code_cell(OFFLINE))
    return notebook


def run(notebook: nbformat.NotebookNode, cwd: Path) -> float:
    """Seconds to execute the notebook in a fresh kernel."""
    start = time.perf_counter()
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return time.perf_counter() - start


def main(paths: list[str]) -> int:
    notebooks = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    import werkplaats_data as wd

    wd.load_release()  # build the demo release once, outside the timings
    base = run(offline(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])), ROOT)
    print(f"{'notebook':32} {'seconds':>8} {'× bare kernel':>14}")
    print(f"{'(bare one-cell notebook)':32} {base:8.1f} {1:14.1f}")
    times = {path.name: run(offline(nbformat.read(path, as_version=4)), path.parent) for path in notebooks}
    research = {name: s for name, s in times.items() if name.startswith(RESEARCH)}
    others = {name: s for name, s in times.items() if name not in research}
    for title, group in (("research notebooks 01–03", research), ("other notebooks", others)):
        if not group:
            continue
        print(f"-- {title}")
        for name, seconds in group.items():
            print(f"{name:32} {seconds:8.1f} {seconds / base:14.1f}")
        print(f"{'total ' + title:32} {sum(group.values()):8.1f}")
    total = sum(times.values())
    print(f"{'total, all notebooks':32} {total:8.1f}")
    met = total < TARGET_SECONDS
    print(f"target: all research notebooks together < {TARGET_SECONDS} s — {'met' if met else 'NOT met'} ({total:.1f} s)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
