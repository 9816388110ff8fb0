"""Benchmark: cleaning a messy Repair Café register of 1,000,000 rows.

Writes the register as CSV (';', Windows-1252 as Dutch Excel exports it, Dutch dates in several
formats, 2,000 made-up people each typed in five variants — case, 'Last, First', spacing, accents —
decimal commas, a title row and a totals row), then times in separate processes (so each has its
own peak memory, read from /proc/self/status VmHWM — ``ru_maxrss`` would carry the parent's
high-water mark across fork and exec):
  1. baseline: a bare ``pandas.read_csv`` of the file;
  2. the kit's stage: read + clean + validate + pseudonymise (``pipeline.clean_registers``);
  3. the whole ``werkplaats clean`` command (also writes the release, quarantine and report).
Before its timed run, each stage runs once on a 10-row copy, so one-off lazy imports (pandera's
backends) are not counted; the bare read gets the same warm-up. Each step runs ``--repeat`` times
(default 3), each in a fresh process; the fastest run counts (the machine's noise only ever adds
time) and the slowest is printed beside it.
Prints rows per second, peak memory and the ratio of each to the baseline. Target: stage ≤ 3×.

    python benchmarks/bench_clean.py [--rows N] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ITEMS = ["Koffiezetapparaat", "Stofzuiger", "Lamp", "Naaimachine", "Broodrooster", "Waterkoker", "Radio", "Föhn",
         "Laptop", "Broek", "Jas", "Fiets", "Klok", "Ventilator", "Strijkijzer"]
OUTCOMES = ["Gerepareerd", "gerepareerd", "Half gerepareerd", "advies gegeven", "Niet gerepareerd", "niet gelukt"]
PROBLEMS = ["gaat niet aan", "maakt raar geluid", "lekt water", "knop kapot", "snoer kapot", "Ã©Ã©n kant werkt niet"]
FIRST = ["Fenna", "Ahmed", "Joke", "Fatima", "Kees", "Aylin", "Mohamed", "Sanne", "Priya", "Henk", "Naima", "Youssef",
         "Marieke", "Tomasz", "Esra", "Dewi", "Kwame", "Lotte", "Rachid", "Inge", "Svetlana", "Bram", "Zeynep", "Anouk",
         "Mehmet", "Ria", "Samira", "Jeroen", "Ling", "Olga", "Hassan", "Wilma", "Amal", "Sven", "Leyla", "Karim",
         "José", "Ingrid", "Nadia", "Ruud", "Chidi", "Mirjam", "Büsra", "Farid", "Hanneke", "Søren", "Zoë", "Lucía",
         "Françoise", "Mária"]  # letters Windows-1252 can hold: the register below is a cp1252 export
LAST = ["Voorbeeld", "Demo", "Proef", "Fictief", "Verzonnen", "Testmans", "Nepberg", "Oefening", "Schijnbaar",
        "Denkbeeld", "Probeersel", "Modelman", "Steekproef", "Zogenaamd", "de Verzinsel", "van Proefstra",
        "El Fictief", "Yilmaz-Demo", "Øvelse", "Test", "Bedenksel", "Nagemaakt", "Gespeeld", "Geleend",
        "Fantasie", "Namaak", "Schets", "Ontwerp", "Kladversie", "Droombeeld", "Luchtkasteel", "Verhaal",
        "Sprookje", "Fabel", "Legende", "Mythe", "Sage", "Vertelsel", "Parodie", "Kopie"]
#: Registered people in the benchmark register, each typed in a few ways by different volunteers.
PEOPLE = 2000


def name_variants(people: int = PEOPLE) -> list[list[str]]:
    """``people`` made-up names (first × last), each with the ways volunteers type it: as written,
    'Last, First', capitals, lower case with extra spaces, and without accents or with a typed one."""
    names = [(f, last) for last in LAST for f in FIRST][:people]
    out = []
    for i, (first, last) in enumerate(names):
        plain = f"{first} {last}"
        variants = [plain, f"{last}, {first}", plain.upper(), f" {first.lower()}  {last.lower()} "]
        variants.append(plain.replace("e", "é", 1) if i % 2 else plain.replace("ö", "o").replace("ü", "u"))
        out.append(variants)
    return out


def write_register(path: Path, rows: int, seed: int = 1) -> None:
    """A messy register: mixed date formats, name variants, '????' years, decimal commas."""
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 1000, rows), unit="D")
    fmt = rng.integers(0, 4, rows)
    dates = np.where(fmt == 0, days.strftime("%-d-%-m-%Y"), np.where(fmt == 1, days.strftime("%d/%m/%y"),
                     np.where(fmt == 2, days.strftime("%Y-%m-%d"), (days - pd.Timestamp("1899-12-30")).days.astype(str))))
    variants = name_variants()
    person = rng.integers(0, len(variants), rows)  # which person came
    typed = rng.integers(0, len(variants[0]), rows)  # how the volunteer wrote the name that day
    people = np.array([v for vs in variants for v in vs])[person * len(variants[0]) + typed]
    frame = pd.DataFrame({
        "Datum": dates,
        "Naam bezoeker": people,
        "Apparaat": np.array(ITEMS)[rng.integers(0, len(ITEMS), rows)],
        "Merk": np.array(["Philips", "Bosch", "", "onbekend"])[rng.integers(0, 4, rows)],
        "Bouwjaar": np.where(rng.random(rows) < 0.5, "????", rng.integers(1990, 2023, rows).astype(str)),
        "Wat is er kapot?": np.array(PROBLEMS)[rng.integers(0, len(PROBLEMS), rows)],
        "Resultaat": np.array(OUTCOMES)[rng.integers(0, len(OUTCOMES), rows)],
    })
    with path.open("w", encoding="cp1252", newline="") as fh:
        fh.write("Registratie Repair Café (benchmark, verzonnen)\n")
        frame.to_csv(fh, sep=";", index=False)
        fh.write("Totaal;;;;;;\n")


#: Python expression: this process's peak resident memory in MB (VmHWM, in kB, from /proc/self/status).
PEAK_MB = "int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0]) / 1024"

#: Each step is run once on a 10-row copy first (WARM), so one-off lazy imports are not timed.
STAGES = {
    "bare read_csv": "pd.read_csv(FILE, sep=';', encoding='cp1252', skiprows=1)",
    "kit stage (read+clean+validate+pseudonymise)": "pipeline.clean_registers(Path(FILE).parent, key=b'k' * 32)",
}


def run_stage(code: str, file: Path) -> dict:
    """Run ``code`` in a fresh interpreter; returns seconds (excluding imports and warm-up) and peak memory."""
    warm = file.parent.parent / "warm" / file.name
    script = (
        "import time, json\n"
        "from pathlib import Path\n"
        "import pandas as pd\n"
        "from werkplaats_data import pipeline, repair  # the kit's imports, like pandas above, are not timed\n"
        f"FILE = {str(warm)!r}\n"
        f"{code}\n"
        f"FILE = {str(file)!r}\n"
        "t = time.perf_counter()\n"
        f"{code}\n"
        "print(json.dumps({'seconds': time.perf_counter() - t, "
        f"'peak_mb': {PEAK_MB}}}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_command(folder: Path) -> dict:
    """The whole ``werkplaats clean`` command, timed from outside (includes start-up and imports)."""
    import os

    env = {**os.environ, "WERKPLAATS_KEY_FILE": str(folder.parent / "bench.key")}
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c",
                          "import sys; from werkplaats_data.cli import main; code = main(sys.argv[1:]); "
                          f"print('PEAK', {PEAK_MB}); sys.exit(code)",
                          "clean", str(folder), "--out", str(folder.parent / "release")],
                         capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - t
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    peak = float(out.stdout.strip().splitlines()[-1].split()[1])
    return {"seconds": seconds, "peak_mb": peak}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per step; the fastest counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "registers"
        folder.mkdir()
        file = folder / "reparaties.csv"
        t = time.perf_counter()
        write_register(file, args.rows)
        (Path(tmp) / "warm").mkdir()
        write_register(Path(tmp) / "warm" / file.name, 10)
        print(f"wrote {args.rows:,} rows ({file.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")
        runs = {name: [run_stage(code, file) for _ in range(args.repeat)] for name, code in STAGES.items()}
        runs["whole 'werkplaats clean' command"] = [run_command(folder) for _ in range(args.repeat)]
    results = {name: min(rs, key=lambda r: r["seconds"]) for name, rs in runs.items()}
    base = results["bare read_csv"]["seconds"]
    print(f"\n{'step':48} {'seconds':>8} {'slowest':>8} {'rows/s':>11} {'peak MB':>8} {'× bare read':>11}")
    for name, r in results.items():
        slowest = max(x["seconds"] for x in runs[name])
        print(f"{name:48} {r['seconds']:8.2f} {slowest:8.2f} {args.rows / r['seconds']:11,.0f} {r['peak_mb']:8.0f} "
              f"{r['seconds'] / base:11.2f}")
    stage = results["kit stage (read+clean+validate+pseudonymise)"]["seconds"] / base
    print(f"\ntarget: stage ≤ 3× the bare read — {'met' if stage <= 3 else 'NOT met'} ({stage:.2f}×)")
    return 0 if stage <= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
