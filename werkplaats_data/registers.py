"""The raw registers volunteers keep: their kinds, the headers the reader knows, and field types.

A register kind is recognised from its headers (Dutch or English synonyms) and its file name.
Each field has a *type* that tells the cleaning step which cleaner to use:

- ``date``, ``time``, ``number``, ``int``, ``bool``, ``text``: parsed by ``werkplaats_data.clean``;
- ``name``, ``contact``: personal data, pseudonymised in the cleaning step and never released;
- ``postcode``: used to derive ``lives_in_neighbourhood``, never released;
- ``activity``, ``role``, ``repair_status``, ...: mapped to canonical values through ``SYNONYMS``.

The first synonym of each field is the header the register templates use.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    headers: tuple[str, ...]
    required: bool = True


@dataclass(frozen=True)
class RegisterKind:
    name: str
    title_nl: str
    title_en: str
    file_hints: tuple[str, ...]
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _f(name, type_, *headers, required=True) -> Field:
    return Field(name, type_, headers, required)


ACTIVITY = _f("activity", "activity", "Activiteit", "activiteit", "Activity", "Wat")
DATE = _f("date", "date", "Datum", "datum bezoek", "Date", "Dag", "Wanneer")

KINDS: dict[str, RegisterKind] = {
    k.name: k
    for k in [
        RegisterKind(
            "activities", "Activiteiten", "Activities", ("activiteit", "activities"),
            (
                _f("name_nl", "text", "Activiteit", "Naam activiteit", "Activity"),
                _f("name_en", "text", "Naam in het Engels", "Engelse naam", "English name", required=False),
                _f("theme", "theme", "Thema", "Theme"),
                _f("started", "date", "Gestart", "Startdatum", "Begonnen", "Started"),
                _f("ended", "date", "Gestopt", "Einddatum", "Ended", required=False),
                _f("paid_support_hours_per_week", "number", "Betaalde uren per week", "Betaalde uren", "Paid hours per week", required=False),
            ),
        ),
        RegisterKind(
            "paid_support", "Betaalde ondersteuning", "Paid support", ("ondersteuning", "coordinatie", "support"),
            (
                ACTIVITY,
                _f("start", "date", "Van", "Vanaf", "From"),
                _f("end", "date", "Tot en met", "Tot", "Until", required=False),
                _f("hours_per_week", "number", "Uren per week", "Uren", "Hours per week"),
                _f("funder", "text", "Betaald door", "Financier", "Funded by", required=False),
            ),
        ),
        RegisterKind(
            "sessions", "Bijeenkomsten", "Sessions", ("bijeenkomst", "openingen", "sessions", "agenda"),
            (
                ACTIVITY, DATE,
                _f("start_time", "time", "Begintijd", "Van (tijd)", "Start", "Start time", required=False),
                _f("end_time", "time", "Eindtijd", "Tot (tijd)", "Einde", "End time", required=False),
                _f("location", "text", "Locatie", "Plek", "Waar", "Location", required=False),
                _f("visitors_count", "int", "Aantal bezoekers", "Bezoekers", "Aantal", "Visitors", required=False),
                _f("title", "text", "Titel", "Naam bijeenkomst", "Programma", "Title", required=False),
            ),
        ),
        RegisterKind(
            "attendance", "Presentielijst", "Attendance list", ("presentie", "aanwezig", "attendance"),
            (
                ACTIVITY, DATE,
                _f("start_time", "time", "Begintijd", "Start time", required=False),
                _f("name", "name", "Naam", "Voor- en achternaam", "Name"),
                _f("role", "role", "Rol", "Functie", "Role"),
                _f("birth_year", "int", "Geboortejaar", "Jaar van geboorte", "Birth year", required=False),
                _f("postcode", "postcode", "Postcode", "Postal code", required=False),
                _f("phone", "contact", "Telefoon", "Telefoonnummer", "Tel", "Phone", required=False),
                _f("email", "contact", "E-mail", "Email", "Mail", required=False),
            ),
        ),
        RegisterKind(
            "repairs", "Reparaties Repair Café", "Repair Café repairs", ("repair", "reparatie"),
            (
                DATE,
                _f("visitor_name", "name", "Naam bezoeker", "Naam", "Bezoeker", "Visitor", required=False),
                _f("item", "text", "Apparaat", "Voorwerp", "Wat is het?", "Item"),
                _f("product_category", "text", "Categorie", "Productcategorie", "Product category", required=False),
                _f("brand", "text", "Merk", "Brand", required=False),
                _f("year_of_manufacture", "int", "Bouwjaar", "Jaar", "Year of manufacture", required=False),
                _f("problem", "text", "Wat is er kapot?", "Probleem", "Klacht", "Problem"),
                _f("repair_status", "repair_status", "Resultaat", "Uitkomst", "Gelukt?", "Outcome", "Repair status"),
                _f("repair_barrier", "repair_barrier", "Waarom niet gelukt?", "Reden", "Repair barrier", required=False),
                _f("volunteer_name", "name", "Reparateur", "Vrijwilliger", "Fixer", required=False),
            ),
        ),
        RegisterKind(
            "swaps", "Ruilpunt", "Ruilpunt swaps", ("ruil", "swap", "punten"),
            (
                DATE,
                _f("giver", "name", "Gever", "Gegeven door", "Van wie", "Giver"),
                _f("receiver", "name", "Ontvanger", "Gekregen door", "Aan wie", "Receiver"),
                _f("kind", "swap_kind", "Soort", "Spullen of dienst", "Kind"),
                _f("category", "text", "Categorie", "Wat", "Category", required=False),
                _f("points", "number", "Punten", "Aantal punten", "Points"),
            ),
        ),
        RegisterKind(
            "energy_visits", "Huisbezoeken energiecoach", "Energy-coach visits", ("energie", "energy", "coach"),
            (
                DATE,
                _f("address", "contact", "Adres", "Adres huishouden", "Address"),
                _f("coach", "name", "Coach", "Energiecoach", "Energy coach"),
                _f("measures", "measures", "Maatregelen", "Wat gedaan", "Measures", required=False),
                _f("est_kwh_saved", "number", "kWh bespaard", "Besparing stroom (kWh)", "kWh saved", required=False),
                _f("est_gas_m3_saved", "number", "m3 gas bespaard", "Besparing gas (m3)", "Gas saved (m3)", required=False),
            ),
        ),
        RegisterKind(
            "greening", "Vergroening", "Greening", ("groen", "greening"),
            (
                DATE,
                _f("kind", "greening_kind", "Soort actie", "Soort", "Actie", "Kind"),
                _f("street", "street", "Straat", "Adres", "Street", required=False),
                _f("quantity", "number", "Aantal", "Hoeveel", "Quantity"),
                _f("unit", "text", "Eenheid", "Unit", required=False),
            ),
        ),
        RegisterKind(
            "solar", "Zonnedak deelnemers", "Solar roof shares", ("zon", "solar", "postcoderoos"),
            (
                _f("name", "name", "Naam", "Deelnemer", "Name"),
                _f("project", "text", "Project", "Zonnedak", "Project"),
                _f("year", "int", "Jaar", "Year"),
                _f("shares", "int", "Aandelen", "Aantal aandelen", "Certificaten", "Shares"),
                _f("kwh_allocated", "number", "Toegewezen kWh", "kWh", "kWh allocated"),
            ),
        ),
        RegisterKind(
            "survey", "Vragenlijst motivatie", "Motivation survey", ("enquete", "vragenlijst", "survey"),
            (
                _f("name", "name", "Naam", "Name"),
                DATE,
                _f("language", "text", "Taal", "Language", required=False),
                # item columns (vfi_1 … vfi_30, sci_1 …, local_*, open_*) are recognised by pattern
            ),
        ),
        RegisterKind(
            "consents", "Toestemmingen", "Consents", ("toestemming", "consent"),
            (
                _f("name", "name", "Naam", "Name"),
                _f("subject", "text", "Onderwerp", "Verhaal of foto", "Subject"),
                _f("purpose", "purpose", "Doel", "Waarvoor", "Purpose"),
                _f("granted", "bool", "Toestemming", "Akkoord", "Granted"),
                DATE,
                _f("method", "consent_method", "Hoe gegeven", "Hoe", "Method", required=False),
            ),
        ),
        RegisterKind(
            "people", "Deelnemers", "Participants", ("deelnemer", "leden", "people", "members"),
            (
                _f("name", "name", "Naam", "Voor- en achternaam", "Name"),
                _f("birth_year", "int", "Geboortejaar", "Birth year", required=False),
                _f("postcode", "postcode", "Postcode", "Postal code", required=False),
                _f("lives_in_neighbourhood", "bool", "Woont in de wijk", "Woont in Oude Westen", "Lives in neighbourhood", required=False),
                _f("phone", "contact", "Telefoon", "Tel", "Phone", required=False),
                _f("email", "contact", "E-mail", "Email", required=False),
                _f("first_seen", "date", "Lid sinds", "Eerste keer", "First seen", required=False),
            ),
        ),
    ]
}

#: Survey item columns: vfi_1 … vfi_30, sci_1 … sci_24, local_<name>, open_<name>.
SURVEY_ITEM = re.compile(r"^(vfi|sci|local|open)_([a-z0-9_]+)$")


def header_key(text: object) -> str:
    """Compare headers without case, accents, punctuation or spacing ("Wat is er kapot?" → "watiserkapot")."""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", s)


#: Canonical values for categorical fields, keyed by header_key of what volunteers write.
SYNONYMS: dict[str, dict[str, str]] = {
    "role": {
        "bezoeker": "visitor", "deelnemer": "visitor", "visitor": "visitor", "gast": "visitor", "b": "visitor",
        "vrijwilliger": "volunteer", "volunteer": "volunteer", "vw": "volunteer", "v": "volunteer",
        "reparateur": "volunteer", "energiecoach": "volunteer", "coach": "volunteer",
        "coordinator": "coordinator", "coordinatie": "coordinator", "organisator": "coordinator", "c": "coordinator",
        "deskundige": "expert", "expert": "expert", "docent": "expert", "kunstenaar": "expert", "begeleider": "expert",
    },
    "repair_status": {
        "gerepareerd": "Fixed", "gemaakt": "Fixed", "gelukt": "Fixed", "ja": "Fixed", "fixed": "Fixed", "opgelost": "Fixed",
        "halfgerepareerd": "Repairable", "adviesgegeven": "Repairable", "advies": "Repairable",
        "halfgerepareerdofadviesgegeven": "Repairable", "repairable": "Repairable", "onderdeelbestellen": "Repairable",
        "nietgerepareerd": "End of life", "nietgelukt": "End of life", "nee": "End of life", "kapot": "End of life",
        "endoflife": "End of life", "eindelevensduur": "End of life",
        "onbekend": "Unknown", "unknown": "Unknown", "": "Unknown", "weetniet": "Unknown",
    },
    "repair_barrier": {
        "onderdelennietbeschikbaar": "Spare parts not available", "geenonderdelen": "Spare parts not available",
        "sparepartsnotavailable": "Spare parts not available",
        "onderdelenteduur": "Spare parts too expensive", "teduur": "Spare parts too expensive",
        "sparepartstooexpensive": "Spare parts too expensive",
        "kannietopen": "No way to open the product", "kanniethopen": "No way to open the product", "nietopentekrijgen": "No way to open the product",
        "nowaytoopentheproduct": "No way to open the product", "nowaytoopenproduct": "No way to open the product",
        "geeninformatie": "Repair information not available", "geenhandleiding": "Repair information not available",
        "repairinformationnotavailable": "Repair information not available",
        "geengereedschap": "Lack of equipment", "lackofequipment": "Lack of equipment",
        "versleten": "Item too worn out", "teversleten": "Item too worn out", "itemtoowornout": "Item too worn out",
    },
    "swap_kind": {
        "spullen": "good", "spul": "good", "goed": "good", "goederen": "good", "good": "good", "goods": "good", "s": "good",
        "dienst": "service", "diensten": "service", "service": "service", "hulp": "service", "d": "service",
    },
    "greening_kind": {
        "geveltuin": "facade_garden", "geveltuintje": "facade_garden", "facadegarden": "facade_garden",
        "tegelseruit": "tiles_removed", "tegelsweg": "tiles_removed", "tegelwippen": "tiles_removed", "tilesremoved": "tiles_removed",
        "boomspiegel": "tree_pit", "boomtuin": "tree_pit", "treepit": "tree_pit",
        "regenton": "rain_barrel", "rainbarrel": "rain_barrel",
        "onderhoud": "maintenance", "wieden": "maintenance", "maintenance": "maintenance",
    },
    "theme": {
        "circulair": "circular", "circular": "circular", "hergebruik": "circular",
        "energie": "energy", "energy": "energy",
        "groen": "greening", "vergroening": "greening", "greening": "greening",
        "cultuur": "culture", "kunst": "culture", "culture": "culture",
        "leren": "learning", "educatie": "learning", "learning": "learning",
    },
    "purpose": {
        "onderzoek": "research", "research": "research",
        "expositieanoniem": "exhibition_anonymous", "tentoonstellinganoniem": "exhibition_anonymous",
        "exhibitionanonymous": "exhibition_anonymous", "expositie": "exhibition_anonymous",
        "expositiemetvoornaam": "exhibition_first_name", "exhibitionfirstname": "exhibition_first_name",
        "online": "online", "internet": "online", "website": "online",
    },
    "consent_method": {
        "papier": "paper", "paper": "paper", "formulier": "paper",
        "mondelingmettolk": "verbal_interpreter", "mondeling": "verbal_interpreter", "verbalinterpreter": "verbal_interpreter",
        "digitaal": "digital", "digital": "digital", "online": "digital", "email": "digital",
    },
}

#: The words volunteers are offered for each categorical field (template drop-downs, and the examples a
#: quarantine reason gives); each maps to one canonical value through ``SYNONYMS``.
CATEGORY_CHOICES: dict[str, tuple[str, ...]] = {
    "role": ("Bezoeker", "Vrijwilliger", "Coördinator", "Deskundige"),
    "repair_status": ("Gerepareerd", "Half gerepareerd", "Advies gegeven", "Niet gerepareerd", "Onbekend"),
    "repair_barrier": ("Onderdelen niet beschikbaar", "Onderdelen te duur", "Kan niet open", "Geen informatie",
                       "Geen gereedschap", "Te versleten"),
    "swap_kind": ("Spullen", "Dienst"),
    "greening_kind": ("Geveltuin", "Tegels eruit", "Boomspiegel", "Regenton", "Onderhoud"),
    "theme": ("Circulair", "Energie", "Groen", "Cultuur", "Leren"),
    "purpose": ("Onderzoek", "Expositie anoniem", "Expositie met voornaam", "Online"),
    "consent_method": ("Papier", "Mondeling met tolk", "Digitaal"),
}

#: Activities the Werkplaats runs, with the ways registers name them (keys are header_key forms).
ACTIVITY_SYNONYMS: dict[str, str] = {
    "repaircafe": "repair_cafe", "repaircafeoudewesten": "repair_cafe", "reparatiecafe": "repair_cafe",
    "ruilpunt": "ruilpunt", "ruilwinkel": "ruilpunt",
    "werkplaatstextiel": "textiel", "textiel": "textiel", "textile": "textiel", "naaiatelier": "textiel",
    "energiecoaches": "energy_coaching", "energiecoach": "energy_coaching", "energiecoaching": "energy_coaching",
    "energycoaching": "energy_coaching", "energiespreekuur": "energy_coaching",
    "wijkvergroenen": "greening", "wijvergroenen": "greening", "vergroening": "greening", "greening": "greening",
    "zonnedak": "solar_roof", "zonnepanelen": "solar_roof", "solarroof": "solar_roof",
    "workshop": "workshops", "workshops": "workshops", "keramiek": "workshops", "keramiekschilderen": "workshops",
    "lezing": "lectures", "lezingen": "lectures", "lectures": "lectures", "informatiebijeenkomst": "lectures",
    "expositie": "exhibitions", "exposities": "exhibitions", "tentoonstelling": "exhibitions", "exhibitions": "exhibitions",
    "excursie": "excursions", "excursies": "excursions", "excursions": "excursions",
}


#: The kit's built-in list of the Werkplaats's activities: id → (Dutch name, English name, theme).
#: Used only when the registers hold no activities register.
BUILT_IN_ACTIVITIES: dict[str, tuple[str, str, str]] = {
    "repair_cafe": ("Repair Café", "Repair Café", "circular"),
    "ruilpunt": ("Ruilpunt", "Swap shop", "circular"),
    "textiel": ("Werkplaats Textiel", "Textile workshop", "circular"),
    "energy_coaching": ("Energiecoaches", "Energy coaching", "energy"),
    "greening": ("Wij(k) Vergroenen", "Greening team", "greening"),
    "solar_roof": ("Zonnedak", "Solar roof", "energy"),
    "workshops": ("Workshops", "Workshops", "culture"),
    "lectures": ("Lezingen", "Lectures", "learning"),
    "exhibitions": ("Exposities", "Exhibitions", "culture"),
    "excursions": ("Excursies", "Excursions", "learning"),
}


def activity_id(name: object) -> str:
    """The activity code for what a register calls an activity; unknown names become a slug."""
    key = header_key(name)
    if key in ACTIVITY_SYNONYMS:
        return ACTIVITY_SYNONYMS[key]
    s = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")
