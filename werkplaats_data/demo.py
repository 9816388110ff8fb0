"""Synthetic demo registers for 2021–2025, messy the way volunteers' registers are.

Everything here is made up (names like "Fenna Voorbeeld" are obviously fictional) but follows the
report's figures (``facts()``): Ruilpunt about 250 visits a month and 1300 members; Repair Café
every third Saturday 12–14 h from 2023 with three volunteers; Werkplaats Textiel on Fridays from
September 2023 with 8–10 participants; ten energy coaches from September 2022 visiting about 75
households, falling away to one coach after paid coordination stopped; ceramics four times a year;
the three exhibitions on their dates. The output is deterministic for a given seed.

The mess is deliberate: several file formats and encodings, title rows, header spellings, date
and time formats, decimal commas, 'ja/x' booleans, name variants, merged cells, empty lines and
totals rows — and a few rows that must go to quarantine (``PLANTED_ERRORS``).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

DEMO_NOTE = "VOORBEELDDATA / DEMO DATA – verzonnen gegevens, geen echte mensen"
#: Written beside demo registers, so a release cleaned from them is labelled demo data too.
DEMO_MARKER = ".voorbeelddata"
SEED = 2021
START, END = dt.date(2021, 1, 1), dt.date(2025, 12, 31)

FIRST_NAMES = [
    "Fenna", "Ahmed", "Joke", "Fatima", "Kees", "Aylin", "Mohamed", "Sanne", "Priya", "Henk", "Naima", "Youssef",
    "Marieke", "Tomasz", "Esra", "Dewi", "Kwame", "Lotte", "Rachid", "Inge", "Svetlana", "Bram", "Zeynep", "Anouk",
    "Mehmet", "Ria", "Samira", "Jeroen", "Ling", "Olga", "Hassan", "Wilma", "Amal", "Sven", "Leyla", "Karim",
    "José", "Ingrid", "Nadia", "Ruud", "Chidi", "Mirjam", "Büşra", "Farid", "Hanneke", "Abdel", "Greetje", "Selin",
]
LAST_NAMES = ["Voorbeeld", "Demo", "Proef", "Fictief", "Verzonnen", "Testmans", "Nepberg", "Oefening",
              "Schijnbaar", "Denkbeeld", "Probeersel", "Modelman", "Steekproef", "Zogenaamd"]
STREETS = ["Josephstraat", "Gaffelstraat", "Batavierenstraat", "Kogelvangerstraat", "Adrianastraat",
           "Sint-Mariastraat", "Bloemkwekersstraat", "Gouvernestraat", "Tiendstraat", "Drievriendenstraat"]
DUTCH_MONTHS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]

REPAIR_ITEMS = [  # (what volunteers write, chance fixed) — Dutch item names
    ("Koffiezetapparaat", 0.55), ("Stofzuiger", 0.6), ("Lamp", 0.7), ("Naaimachine", 0.75), ("Broodrooster", 0.5),
    ("Waterkoker", 0.5), ("Radio", 0.55), ("Föhn", 0.45), ("Mixer", 0.55), ("Laptop", 0.4), ("Telefoon", 0.35),
    ("Strijkijzer", 0.5), ("Broek", 0.85), ("Jas", 0.8), ("Fiets", 0.8), ("Klok", 0.6), ("Ventilator", 0.6),
]
PROBLEMS = ["gaat niet aan", "maakt raar geluid", "lekt water", "knop kapot", "snoer kapot", "rits kapot",
            "wordt niet warm", "scherm zwart", "Ã©Ã©n kant werkt niet"]  # the last one double-encoded on purpose
SWAP_GOODS = ["kleding", "kinderkleding", "boeken", "speelgoed", "servies", "planten", "meubels", "schoenen"]
SWAP_SERVICES = ["reparatie", "naailes", "taalhulp", "klussen", "oppas", "fietsreparatie"]
GREENING = [("geveltuin", "stuks"), ("tegels eruit", "tegels"), ("boomspiegel", "stuks"),
            ("regenton", "stuks"), ("onderhoud", "uur")]

#: Rows planted in the demo registers that cleaning must quarantine: (file, what is wrong).
PLANTED_ERRORS = [
    ("repaircafe_register_2023-2025.xlsx", "a date that does not exist (31-02-2024)"),
    ("repaircafe_register_2023-2025.xlsx", "a placeholder date (1-1-1999)"),
    ("ruilpunt_punten.csv", "giver and receiver the same person"),
    ("ruilpunt_punten.csv", "negative points"),
    ("presentielijsten_overig.csv", "an unknown role ('baas')"),
    ("bijeenkomsten_2021-2025.xlsx", "a session typed twice"),
    ("vergroening.ods", "a month-first date (03/21/2022)"),
]


@dataclass
class Person:
    first: str
    last: str
    birth_year: int
    postcode: str
    phone: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Registers:
    """What the generator builds before writing files (rows as lists, header first)."""

    sheets: dict[str, dict[str, list[list]]] = field(default_factory=dict)
    merges: dict[str, list[str]] = field(default_factory=dict)


class DemoWorld:
    """The made-up neighbourhood: people, activities, and what happened 2021–2025."""

    def __init__(self, seed: int = SEED):
        self.rng = np.random.default_rng(seed)
        #: A second stream for what was added later (rare swappers, second greening actions), so the
        #: main stream — and every figure drawn from it — stays as it was.
        self.extra = np.random.default_rng((seed, 2))
        self.people = [self._person(i) for i in range(1300)]
        self.sessions: list[dict] = []
        self.attendance: list[dict] = []

    def _person(self, i: int) -> Person:
        first = FIRST_NAMES[i % len(FIRST_NAMES)]
        last = LAST_NAMES[(i // len(FIRST_NAMES)) % len(LAST_NAMES)]
        if i >= len(FIRST_NAMES) * len(LAST_NAMES):
            last = f"{last}-{LAST_NAMES[i % len(LAST_NAMES)]}"
        in_wijk = self.rng.random() < 0.8
        pc = f"{3014 if self.rng.random() < 0.6 else 3015} {chr(65 + i % 20)}{chr(65 + (i // 20) % 20)}" if in_wijk \
            else f"30{self.rng.integers(21, 90)} {chr(65 + i % 20)}K"
        return Person(first, last, int(self.rng.integers(1945, 2006)), pc, f"06-{10000000 + i * 7919 % 89999999:08d}")

    # -- helpers --
    def variant(self, p: Person, rng: np.random.Generator | None = None) -> str:
        """The same person written differently now and then: case, spacing, 'Last, First'."""
        r = (rng or self.rng).random()
        if r < 0.08:
            return f"{p.last}, {p.first}"
        if r < 0.14:
            return p.name.upper()
        if r < 0.2:
            return f" {p.first}  {p.last} "
        if r < 0.24:
            return p.name.lower()
        return p.name

    def messy_date(self, d: dt.date, style: int | None = None) -> object:
        style = int(self.rng.integers(0, 6)) if style is None else style
        if style == 0:
            return f"{d.day}-{d.month}-{d.year}"
        if style == 1:
            return f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d}"
        if style == 2:
            return f"{d.day} {DUTCH_MONTHS[d.month - 1]}. {d.year}"
        if style == 3:
            return d.isoformat()
        if style == 4:
            return f"{d.day:02d}-{d.month:02d}-{d.year}"
        return (d - dt.date(1899, 12, 30)).days  # an Excel serial number

    def messy_time(self, hh: int, mm: int = 0) -> str:
        return [f"{hh}.{mm:02d} u", f"{hh:02d}:{mm:02d}", f"{hh}u" if mm == 0 else f"{hh}.{mm:02d}"][int(self.rng.integers(0, 3))]

    def add_session(self, activity: str, day: dt.date, start: tuple[int, int], end: tuple[int, int],
                    location: str, visitors: int | None, title: str = "") -> dict:
        s = {"activity": activity, "date": day, "start": start, "end": end, "location": location, "visitors": visitors,
             "title": title}
        self.sessions.append(s)
        return s

    def attend(self, session: dict, person: Person, role: str) -> None:
        self.attendance.append({"session": session, "person": person, "role": role})


def _days(weekday: int, start: dt.date, end: dt.date):
    d = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
    while d <= end:
        yield d
        d += dt.timedelta(days=7)


def _third_saturdays(start: dt.date, end: dt.date):
    for year in range(start.year, end.year + 1):
        for month in range(1, 13):
            first = dt.date(year, month, 1)
            d = first + dt.timedelta(days=(5 - first.weekday()) % 7 + 14)
            if start <= d <= end:
                yield d


def build(seed: int = SEED) -> Registers:
    """All demo registers as sheets of rows (header row first, title rows above it where volunteers put them)."""
    w = DemoWorld(seed)
    rng = w.rng
    P = w.people
    regs = Registers()
    title = title_rows

    # --- who does what ---
    ruilpunt_team = P[0:6]
    community_builder = P[6]
    repair_team = P[7:10]
    textiel_coordinator = P[10]
    textiel_pool = P[11:60]
    coaches = P[60:70]
    coach_coordinator = P[70]
    green_team = P[71:78]
    ceramics_artist = P[78]
    members = P[100:1300]

    # --- activities and paid support ---
    regs.sheets["activiteiten.xlsx"] = {"Activiteiten": title("Activiteiten Werkplaats Duurzaam") + [
        ["Activiteit", "Engelse naam", "Thema", "Startdatum", "Einddatum", "Betaalde uren per week"],
        ["Ruilpunt", "Swap shop", "circulair", "1-11-2021", "", "8"],
        ["Repair Café", "Repair Café", "circulair", "18-2-2023", "", "0"],
        ["Werkplaats Textiel", "Textile workshop", "circulair", "1-9-2023", "", "4"],
        ["Energiecoaches", "Energy coaching", "energie", "1-9-2022", "", "0"],
        ["Wij(k) Vergroenen", "Greening team", "groen", "1-3-2021", "", "2,5"],
        ["Zonnedak", "Solar roof", "energie", "1-6-2021", "", "0"],
        ["Workshops", "Workshops", "kunst", "1-1-2022", "", "0"],
        ["Lezingen", "Lectures", "leren", "1-1-2022", "", "0"],
        ["Exposities", "Exhibitions", "cultuur", "26-1-2023", "", "0"],
        ["Excursies", "Excursions", "leren", "1-1-2024", "", "0"],
    ]}
    regs.sheets["ondersteuning.ods"] = {"Uren": [
        ["Activiteit", "Van", "Tot en met", "Uren per week", "Betaald door"],
        ["Ruilpunt", "1-1-2023", "", "8", "Rotterdam Circulair"],
        ["Werkplaats Textiel", "1-9-2023", "", "4", "Aktiegroep"],
        ["Energiecoaches", "1-9-2022", "31-8-2023", "6", "Energiebank Rotterdam"],
        ["Wij(k) Vergroenen", "1-3-2021", "", "2,5", "Gemeente (wijkbudget)"],
    ]}

    # --- sessions and who came ---
    for day in (d for wd in range(5) for d in _days(wd, dt.date(2021, 11, 1), END)):
        s = w.add_session("Ruilpunt", day, (12, 0), (16, 0), "Werkplaats", int(rng.poisson(12)))
        for p in rng.choice(ruilpunt_team, size=2, replace=False):
            w.attend(s, p, "vrijwilliger")
        if day >= dt.date(2023, 1, 1) and day.weekday() == 1:
            w.attend(s, community_builder, "coördinator")
    for day in _third_saturdays(dt.date(2023, 2, 1), END):
        s = w.add_session("Repair Café", day, (12, 0), (14, 0), "Werkplaats", int(rng.integers(8, 16)))
        for p in repair_team:
            w.attend(s, p, "reparateur")
    regulars = list(rng.choice(textiel_pool, size=14, replace=False))
    for i, day in enumerate(_days(4, dt.date(2023, 9, 1), END)):
        s = w.add_session("Werkplaats Textiel", day, (10, 0), (14, 0), "Werkplaats", None)
        w.attend(s, textiel_coordinator, "coördinator")
        newcomer = textiel_pool[(i * 7) % len(textiel_pool)]
        if i % 10 == 9 and newcomer not in regulars:  # now and then someone new becomes a regular
            regulars.append(newcomer)
        for j, p in enumerate(rng.choice(regulars, size=int(rng.integers(8, 11)), replace=False)):
            w.attend(s, p, "vrijwilliger" if i > 20 and j < 2 else "bezoeker")
    coach_end = {c.name: dt.date(2023, 9, 30) + dt.timedelta(days=int(40 * k)) for k, c in enumerate(coaches[1:])}
    for day in _days(2, dt.date(2022, 9, 1), END):
        if day.day > 7:
            continue  # first Wednesday of the month: team meeting or, later, the consultation hour
        coordinated = day <= dt.date(2023, 8, 31)
        s = w.add_session("Energiecoaches", day, (19, 0) if coordinated else (13, 0), (21, 0) if coordinated else (15, 0),
                          "Werkplaats", None)
        if coordinated:
            w.attend(s, coach_coordinator, "coördinator")
        for c in coaches:
            if c is coaches[0] or day <= coach_end[c.name]:
                if rng.random() < 0.85:
                    w.attend(s, c, "energiecoach")
    for day in _days(3, dt.date(2021, 3, 1), END):  # greening consultation hour, Thursdays
        if day.day <= 14 or rng.random() < 0.3:
            s = w.add_session("Wij(k) Vergroenen", day, (16, 0), (17, 0), "Wijkpark", int(rng.integers(1, 6)))
            for p in rng.choice(green_team, size=int(rng.integers(2, 5)), replace=False):
                w.attend(s, p, "vrijwilliger")
    workshop_days = {dt.date(y, m, 12): "Keramiek schilderen" for y in range(2022, 2026) for m in (2, 5, 9, 11)}  # 4× a year
    workshop_days |= {dt.date(2023, 3, 8): "Dialoog op school", dt.date(2023, 10, 11): "Dialoog op school"}
    workshop_days |= {dt.date(2024, m, 20): "Upcycle textiel" for m in (3, 6, 9, 11)}
    workshop_days |= {dt.date(2024, m, 6): "Tassen van rijstzakken" for m in (4, 7, 10)}
    for day, series in sorted(workshop_days.items()):
        s = w.add_session("Workshops", day, (14, 0), (16, 30), "Werkplaats", int(rng.integers(8, 18)), series)
        w.attend(s, ceramics_artist, "kunstenaar")
        for p in rng.choice(members[:300], size=int(rng.integers(6, 12)), replace=False):
            w.attend(s, p, "deelnemer")
    for start, end, title in ((dt.date(2023, 1, 26), dt.date(2023, 2, 19), "De Zachte Stad"),
                              (dt.date(2023, 3, 13), dt.date(2023, 4, 14), "Tuinplezier en Wortelwerk"),
                              (dt.date(2024, 4, 24), dt.date(2024, 6, 5), "De energie van het Oude Westen")):
        for day in (d for wd in (2, 5) for d in _days(wd, start, end)):
            w.add_session("Exposities", day, (13, 0), (17, 0), "Wijkpark" if start.year == 2024 else "Werkplaats",
                          int(rng.integers(15, 60)), title)
    for day in (dt.date(2022, 10, 5), dt.date(2023, 5, 17), dt.date(2023, 11, 22), dt.date(2024, 2, 14)):
        w.add_session("Lezingen", day, (19, 30), (21, 0), "Buurthuis", int(rng.integers(20, 45)))
    w.add_session("Excursies", dt.date(2024, 9, 13), (9, 0), (16, 0), "The Green Village, Delft", 14)

    _sessions_sheets(w, regs)
    _attendance_sheets(w, regs)
    _repairs(w, regs, repair_team)
    _swaps(w, regs, members, P[:100] + members[900:])
    _energy(w, regs, coaches, coach_end)
    _greening(w, regs)
    _solar(w, regs, members)
    _survey(w, regs, ruilpunt_team + repair_team + [textiel_coordinator] + regulars + coaches + green_team)
    _people_register(w, regs)
    return regs


def _sessions_sheets(w: DemoWorld, regs: Registers) -> None:
    header = ["Activiteit", "Datum", "Begintijd", "Eindtijd", "Locatie", "Aantal bezoekers", "Titel"]
    by_year: dict[str, list[list]] = {}
    for s in w.sessions:
        if s["activity"] == "Ruilpunt":
            continue
        by_year.setdefault(str(s["date"].year), []).append(
            [s["activity"], w.messy_date(s["date"]), w.messy_time(*s["start"]), w.messy_time(*s["end"]), s["location"],
             "" if s["visitors"] is None else s["visitors"], s["title"]])
    by_year["2023"].insert(5, list(by_year["2023"][4]))  # planted: a session typed twice
    regs.sheets["bijeenkomsten_2021-2025.xlsx"] = {year: [header] + rows for year, rows in sorted(by_year.items())}
    ruilpunt = [["Activiteit", "Datum", "Van (tijd)", "Tot (tijd)", "Plek", "Bezoekers"]]
    for s in w.sessions:
        if s["activity"] == "Ruilpunt":
            ruilpunt.append(["Ruilpunt", w.messy_date(s["date"], int(w.rng.integers(0, 5))), "12.00 u", "16.00 u",
                             "Werkplaats", s["visitors"]])
    regs.sheets["openingen_ruilpunt.csv"] = {"": ruilpunt}


def _attendance_sheets(w: DemoWorld, regs: Registers) -> None:
    header = ["Activiteit", "Datum", "Naam", "Rol", "Geboortejaar", "Postcode"]
    other_header = ["Activiteit", "Dag", "Voor- en achternaam", "Functie", "Jaar van geboorte", "Postcode"]
    files = {"Werkplaats Textiel": "presentielijst_textiel.xlsx", "Energiecoaches": "presentielijst_energiecoaches.xlsx"}
    sheets: dict[str, list[list]] = {name: [header] for name in set(files.values())}
    sheets["presentielijsten_overig.csv"] = [other_header]  # another volunteer, other words for the same columns
    for a in w.attendance:
        s, p = a["session"], a["person"]
        target = files.get(s["activity"], "presentielijsten_overig.csv")
        sheets[target].append([s["activity"], w.messy_date(s["date"], 3 if target.endswith(".ods") else None),
                               w.variant(p), a["role"], p.birth_year if w.rng.random() < 0.7 else "",
                               p.postcode if w.rng.random() < 0.6 else ""])
    sheets["presentielijsten_overig.csv"].insert(40, ["Ruilpunt", "2-11-2021", "Kees Voorbeeld", "baas", "", ""])  # planted
    sheets["presentielijsten_overig.csv"].insert(80, [""] * 6)  # an empty line
    regs.sheets["presentielijst_textiel.xlsx"] = {"Aanwezig": sheets["presentielijst_textiel.xlsx"]}
    coach_rows = sheets["presentielijst_energiecoaches.xlsx"]
    regs.sheets["presentielijst_energiecoaches.xlsx"] = {"Presentie": title_rows("Presentielijst energiecoaches") + coach_rows}
    # volunteers write the date once per meeting: merged cells over the rows of one meeting
    merges, first = [], None
    offset = 3  # two title rows + header
    for i in range(1, len(coach_rows) + 1):
        key = coach_rows[i][1] if i < len(coach_rows) else None
        if first is None or key != coach_rows[first][1]:
            if first is not None and i - first > 1:
                merges.append(f"B{first + offset}:B{i - 1 + offset}")
            first = i
    regs.merges["presentielijst_energiecoaches.xlsx"] = merges
    regs.sheets["presentielijsten_overig.csv"] = {"": sheets["presentielijsten_overig.csv"]}


def _runs(rows: list[list], *, column: int, first: int) -> list[str]:
    """Ranges like 'A5:A6' over consecutive rows (from row index ``first``) with the same value in
    ``column``: how volunteers merge a date written once for several rows."""
    letter, ranges, start = "ABCDEFGHIJ"[column], [], first
    for i in range(first + 1, len(rows) + 1):
        if i == len(rows) or rows[i][column] != rows[start][column]:
            if i - start > 1:
                ranges.append(f"{letter}{start + 1}:{letter}{i}")
            start = i
    return ranges


def title_rows(text: str) -> list[list]:
    return [[f"{text} – {DEMO_NOTE}"], []]


def _repairs(w: DemoWorld, regs: Registers, team: list[Person]) -> None:
    rng = w.rng
    rows = title_rows("Registratie Repair Café Oude Westen") + [
        ["Datum", "Naam bezoeker", "Apparaat", "Merk", "Bouwjaar", "Wat is er kapot?", "Resultaat", "Reden", "Reparateur"]]
    outcomes_fail = ["Niet gerepareerd", "niet gelukt"]
    barriers = ["onderdelen niet beschikbaar", "onderdelen te duur", "kan niet open", "versleten", ""]
    for s in (s for s in w.sessions if s["activity"] == "Repair Café"):
        for _ in range(s["visitors"] or 0):
            item, p_fixed = REPAIR_ITEMS[int(rng.integers(0, len(REPAIR_ITEMS)))]
            r = rng.random()
            if r < p_fixed:
                outcome, barrier = ["Gerepareerd", "gerepareerd", "gelukt"][int(rng.integers(0, 3))], ""
            elif r < p_fixed + 0.15:
                outcome, barrier = ["Half gerepareerd", "advies gegeven"][int(rng.integers(0, 2))], ""
            else:
                outcome, barrier = outcomes_fail[int(rng.integers(0, 2))], barriers[int(rng.integers(0, len(barriers)))]
            visitor = w.people[int(rng.integers(100, 1300))]
            rows.append([w.messy_date(s["date"]), w.variant(visitor), item, ["Philips", "Bosch", "onbekend", "", "Singer"][int(rng.integers(0, 5))],
                         "????" if rng.random() < 0.5 else int(rng.integers(1990, 2022)),
                         PROBLEMS[int(rng.integers(0, len(PROBLEMS)))], outcome, barrier, team[int(rng.integers(0, 3))].first])
    rows.insert(20, ["31-02-2024", "Ria Demo", "Waterkoker", "", "", "lekt", "Gerepareerd", "", "Kees"])  # planted
    rows.insert(30, ["1-1-1999", "Olga Proef", "Lamp", "", "", "flikkert", "Gerepareerd", "", "Kees"])  # planted
    rows.append([])
    rows.append(["Totaal", "", f"{len(rows) - 5} apparaten", "", "", "", "", "", ""])
    regs.sheets["repaircafe_register_2023-2025.xlsx"] = {"Register": rows}


def _swaps(w: DemoWorld, regs: Registers, members: list[Person], occasional: list[Person]) -> None:
    """The Ruilpunt ledger: 900 regular members swap often; ``occasional`` members (registered, about
    400) swap one to three times in five years — together the report's 1300 members."""
    rng = w.rng
    rows = [["Datum", "Gegeven door", "Gekregen door", "Soort", "Categorie", "Punten"]]
    total = 0.0
    active = members[:900]
    for s in (s for s in w.sessions if s["activity"] == "Ruilpunt"):
        for _ in range(int(rng.poisson(7))):
            service = rng.random() < 0.2
            giver = active[int(rng.integers(0, len(active)))] if rng.random() < 0.6 else None
            receiver = active[int(rng.integers(0, len(active)))] if giver is None or rng.random() < 0.5 else None
            if receiver is not None and receiver is giver:
                receiver = None
            points = float(rng.choice([2, 3, 5, 7.5, 10, 15])) if not service else float(rng.choice([10, 15, 20]))
            total += points
            rows.append([w.messy_date(s["date"], int(rng.integers(0, 5))),
                         w.variant(giver) if giver else "Ruilpunt", w.variant(receiver) if receiver else "Ruilpunt",
                         ["dienst", "Dienst"][int(rng.integers(0, 2))] if service else ["spullen", "Spullen", "goed"][int(rng.integers(0, 3))],
                         (SWAP_SERVICES if service else SWAP_GOODS)[int(rng.integers(0, 6))],
                         f"{points:.1f}".replace(".", ",").replace(",0", "")])
    rows.insert(100, ["14-3-2022", "Amal Fictief", "amal  fictief", "spullen", "boeken", "5"])  # planted: self-swap
    rows.insert(200, ["15-3-2022", "Sven Demo", "Ruilpunt", "spullen", "servies", "-5"])  # planted: negative points
    days = [s["date"] for s in w.sessions if s["activity"] == "Ruilpunt"]
    extra = w.extra
    for p in occasional:
        for _ in range(int(extra.integers(1, 4))):
            points = float(extra.choice([2, 3, 5]))
            total += points
            name = w.variant(p, extra)
            gives = extra.random() < 0.5
            rows.append([w.messy_date(days[int(extra.integers(0, len(days)))], int(extra.integers(0, 5))),
                         name if gives else "Ruilpunt", "Ruilpunt" if gives else name, "spullen",
                         SWAP_GOODS[int(extra.integers(0, len(SWAP_GOODS)))], f"{points:.0f}"])
    rows.append(["Totaal", "", "", "", "", f"{total:.1f}".replace(".", ",")])
    regs.sheets["ruilpunt_punten.csv"] = {"": rows}


def _energy(w: DemoWorld, regs: Registers, coaches: list[Person], coach_end: dict[str, dt.date]) -> None:
    rng = w.rng
    measures_nl = ["ledlampen", "radiatorfolie", "tochtstrips", "waterbesparende douchekop", "stekkerdoos met schakelaar",
                   "thermostaatadvies"]
    kwh = {"ledlampen": 164, "stekkerdoos met schakelaar": 60}
    gas = {"radiatorfolie": 25, "tochtstrips": 50, "waterbesparende douchekop": 68, "thermostaatadvies": 60}
    rows = title_rows("Huisbezoeken energiecoaches") + [["datum bezoek", "Adres huishouden", "Energiecoach", "Maatregelen",
                                                          "kWh bespaard", "m3 gas bespaard"]]
    households = [f"{STREETS[i % len(STREETS)]} {10 + i * 3 % 140}{'abc'[i % 3] if i % 4 == 0 else ''}" for i in range(75)]
    day, h = dt.date(2022, 9, 15), 0
    while day <= END:
        active = [c for c in coaches if c is coaches[0] or day <= coach_end[c.name]]
        busy = day <= dt.date(2023, 8, 31)
        n = int(rng.poisson(5 if busy else 0.6))
        for _ in range(n):
            if h < len(households):
                address, h = households[h], h + 1
            else:
                address = households[int(rng.integers(0, len(households)))]
            chosen = list(rng.choice(measures_nl, size=int(rng.integers(1, 4)), replace=False))
            k = sum(kwh.get(m, 0) for m in chosen)
            g = sum(gas.get(m, 0) for m in chosen)
            rows.append([w.messy_date(day), address, w.variant(active[int(rng.integers(0, len(active)))]),
                         ", ".join(chosen), f"{k}" if k else "", f"{g}".replace(".", ",") if g else ""])
        day += dt.timedelta(days=14)
    regs.sheets["energiecoach_huisbezoeken.xlsx"] = {"Bezoeken": rows}


def _greening(w: DemoWorld, regs: Registers) -> None:
    rng = w.rng
    rows = [["Dag", "Soort actie", "Straat", "Hoeveel", "Eenheid"]]
    for s in (s for s in w.sessions if s["activity"] == "Wij(k) Vergroenen"):
        if rng.random() < 0.6:
            kind, unit = GREENING[int(rng.integers(0, len(GREENING)))]
            qty = int(rng.integers(5, 60)) if kind == "tegels eruit" else int(rng.integers(1, 4))
            rows.append([w.messy_date(s["date"], 3), kind, f"{STREETS[int(rng.integers(0, len(STREETS)))]} {int(rng.integers(1, 120))}",
                         qty, unit])
            if w.extra.random() < 0.2:  # the same afternoon the team also weeded somewhere
                rows.append([rows[-1][0], "onderhoud", STREETS[int(w.extra.integers(0, len(STREETS)))],
                             int(w.extra.integers(1, 3)), "uur"])
    rows.insert(12, ["03/21/2022", "geveltuin", "Gaffelstraat 3", 1, "stuks"])  # planted: month-first date
    rows = title_rows("Acties Wij(k) Vergroenen") + rows
    regs.sheets["vergroening.ods"] = {"Acties": rows}
    regs.merges["vergroening.ods"] = _runs(rows, column=0, first=3)  # one date written over the day's actions


def _solar(w: DemoWorld, regs: Registers, members: list[Person]) -> None:
    rng = w.rng
    rows = [["Deelnemer", "Zonnedak", "Jaar", "Aandelen", "Toegewezen kWh"]]
    owners = [members[i] for i in rng.choice(len(members), size=32, replace=False)]
    shares = {p.name: int(rng.integers(1, 6)) for p in owners}
    for year in range(2021, 2026):
        yield_factor = 0.55 if year == 2021 else 1.0  # the roof started mid-2021
        for p in owners:
            kwh = shares[p.name] * 245 * yield_factor * float(rng.normal(1, 0.04))
            rows.append([w.variant(p), "Zonnedak Batavierenstraat", year, shares[p.name], f"{kwh:.1f}".replace(".", ",")])
    regs.sheets["zonnedak_deelnemers.csv"] = {"": rows}


def _survey(w: DemoWorld, regs: Registers, respondents: list[Person]) -> None:
    rng = w.rng
    path = files("werkplaats_data") / "data" / "survey_items.csv"
    with path.open(encoding="utf-8") as fh:
        items = pd.read_csv(fh)
    tendency = {"values": 6.0, "social": 5.5, "understanding": 5.2, "enhancement": 4.8, "protective": 3.8, "career": 3.2}
    unique = list({p.name: p for p in respondents}.values())
    header = ["Naam", "Datum", "Taal"] + list(items["item"])
    rows = [header]
    open_answers = {
        "nl": ["Ik spaar geld en ik leer mensen kennen.", "Omdat ik iets wil doen voor de buurt.",
               "Gezellig, en ik leer repareren.", "Het scheelt op mijn energierekening."],
        "en": ["I save money and meet people.", "I want to do something for the neighbourhood.",
               "I like learning to repair things."],
        "ar": ["أحب مساعدة جيراني.", "أتعلم أشياء جديدة."],
        "tr": ["Komşularıma yardım etmeyi seviyorum.", "Para biriktiriyorum."],
    }
    for p in unique:
        lang = str(rng.choice(["nl", "nl", "nl", "en", "ar", "tr"]))
        answers = []
        person_shift = float(rng.normal(0, 0.7))
        for item in items.itertuples():
            if item.instrument == "open":
                answers.append(str(rng.choice(open_answers[lang])) if item.item == "open_why" and rng.random() < 0.8 else "")
                continue
            if rng.random() < 0.04:
                answers.append("")  # a question left open
                continue
            lo, hi = int(item.min), int(item.max)
            centre = {"vfi": tendency.get(item.scale, 4.0), "sci": 2.0}.get(item.instrument, 4.0 if item.item != "local_saving_money" else 4.5)
            value = int(np.clip(round(centre + person_shift + rng.normal(0, 0.9)), lo, hi))
            answers.append(value)
        rows.append([w.variant(p), w.messy_date(dt.date(2024, 10, int(rng.integers(1, 28)))), lang] + answers)
    regs.sheets["enquete_motivatie_2024.xlsx"] = {"Antwoorden": rows}
    consent = [["Naam", "Onderwerp", "Doel", "Toestemming", "Datum", "Hoe gegeven"]]
    for p in unique:
        consent.append([w.variant(p), "data", "onderzoek", "ja" if rng.random() < 0.92 else "nee", "1-10-2024",
                        str(rng.choice(["papier", "mondeling met tolk", "digitaal"]))])
    regs.sheets["toestemmingen.csv"] = {"": consent}


def _people_register(w: DemoWorld, regs: Registers) -> None:
    rows = title_rows("Deelnemerslijst (alleen voor de coördinatoren)") + [
        ["Naam", "Geboortejaar", "Postcode", "Telefoon", "E-mail", "Lid sinds"]]
    for i, p in enumerate(w.people[:100]):
        rows.append([p.name, p.birth_year, p.postcode.replace(" ", "").lower() if i % 3 else p.postcode, p.phone,
                     f"{p.first.lower()}@voorbeeld.invalid", w.messy_date(dt.date(2021, 11, 1) + dt.timedelta(days=i * 9))])
    regs.sheets["deelnemers.xlsx"] = {"Deelnemers": rows}


# --- writing ---------------------------------------------------------------------------------------

def write(regs: Registers, out: Path) -> list[Path]:
    """Write every register in its own format: CSV (';' + cp1252 or ',' + UTF-8 BOM), XLSX, ODS."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, sheets in regs.sheets.items():
        path = out / name
        if name.endswith(".csv"):
            rows = next(iter(sheets.values()))
            semicolon = name.startswith(("ruilpunt", "openingen", "zonnedak"))
            with path.open("w", encoding="cp1252" if semicolon else "utf-8-sig", newline="", errors="replace") as fh:
                csv.writer(fh, delimiter=";" if semicolon else ",").writerows(rows)
        elif name.endswith(".xlsx"):
            _write_xlsx(path, sheets, regs.merges.get(name, []))
        else:
            _write_ods(path, sheets, regs.merges.get(name, []))
        written.append(path)
    (out / DEMO_MARKER).write_text(DEMO_NOTE + "\n", encoding="utf-8")
    (out / "LEESMIJ.md").write_text(
        f"{DEMO_NOTE}\nDeze registers zijn verzonnen om de kit te laten zien. / These registers are made up to demo the kit.\n",
        encoding="utf-8")
    return written


def _write_xlsx(path: Path, sheets: dict[str, list[list]], merges: list[str]) -> None:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet, rows in sheets.items():
        ws = wb.create_sheet(sheet)
        for row in rows:
            ws.append([None if v == "" else v for v in row])
        ws["A1"].font = Font(bold=True)
        for rng in merges:
            first = ws[rng.split(":")[0]].value
            ws.merge_cells(rng)
            ws[rng.split(":")[0]].value = first
    wb.save(path)


def _write_ods(path: Path, sheets: dict[str, list[list]], merges: list[str]) -> None:
    """An ODS as LibreOffice writes it: numbers as floats, text as strings, and each merged range as
    a first cell spanning the range plus covered cells (which hold no value)."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P
    from openpyxl.utils.cell import range_boundaries

    spans, covered = {}, set()
    for cells in merges:
        min_col, min_row, max_col, max_row = range_boundaries(cells)
        spans[(min_row - 1, min_col - 1)] = (max_row - min_row + 1, max_col - min_col + 1)
        covered |= {(r - 1, c - 1) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)}
    doc = OpenDocumentSpreadsheet()
    for sheet_name, rows in sheets.items():
        sheet = Table(name=sheet_name)
        for r, values in enumerate(rows):
            row = TableRow()
            for c, value in enumerate(values):
                if (r, c) in covered and (r, c) not in spans:
                    row.addElement(CoveredTableCell())
                    continue
                attributes = {}
                if (r, c) in spans:
                    attributes = {"numberrowsspanned": str(spans[(r, c)][0]), "numbercolumnsspanned": str(spans[(r, c)][1])}
                if value is None or value == "":
                    cell = TableCell(**attributes)
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    cell = TableCell(valuetype="float", value=str(value), **attributes)
                    cell.addElement(P(text=str(value)))
                else:
                    cell = TableCell(valuetype="string", **attributes)
                    cell.addElement(P(text=str(value)))
                row.addElement(cell)
            sheet.addElement(row)
        doc.spreadsheet.addElement(sheet)
    doc.save(str(path))


def write_demo_registers(out: Path, *, seed: int = SEED) -> list[Path]:
    """Build and write the demo registers, and copy the demo stories into ``out/stories``."""
    import shutil

    from werkplaats_data.stories import DEMO_STORIES_DIR

    written = write(build(seed), out)
    if DEMO_STORIES_DIR.is_dir():
        shutil.copytree(DEMO_STORIES_DIR, Path(out) / "stories", dirs_exist_ok=True)
    return written
