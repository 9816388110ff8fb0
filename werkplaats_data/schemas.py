"""Canonical tables of a data release: columns, types, allowed values and the data dictionary.

This module is the contract between cleaning and analysis. Each table is described once, in
``TABLES``; the pandera schemas and the NL/EN data dictionary are both built from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

REPAIR_STATUSES = ("Fixed", "Repairable", "End of life", "Unknown")
REPAIR_BARRIERS = (
    "Spare parts not available",
    "Spare parts too expensive",
    "No way to open the product",
    "Repair information not available",
    "Lack of equipment",
    "Item too worn out",
)
ROLES = ("visitor", "volunteer", "coordinator", "expert")
SWAP_KINDS = ("good", "service")
GREENING_KINDS = ("facade_garden", "tiles_removed", "tree_pit", "rain_barrel", "maintenance")
CONSENT_PURPOSES = ("research", "exhibition_anonymous", "exhibition_first_name", "online")
CONSENT_METHODS = ("paper", "verbal_interpreter", "digital")
THEMES = ("circular", "energy", "greening", "culture", "learning")
BIRTH_YEAR_BANDS = tuple(f"{d}-{d + 9}" for d in range(1920, 2020, 10))
#: ``allowed`` of repairs.product_category: the ORDS list and its unpowered categories, from
#: ``repair.product_categories`` (the shipped ORDS file), looked up when a schema is built.
ORDS_CATEGORIES = "ords_categories"
#: The Ruilpunt's own account (shop stock); kept out of member totals.
ORGANISATION_ACCOUNT = "org_ruilpunt"


@dataclass(frozen=True)
class Column:
    """One column of a canonical table, with its type, its checks and its NL/EN description."""

    name: str
    dtype: str  # "string", "time" (text HH:MM), "date", "float", "int", "bool"
    label_nl: str
    label_en: str
    description_nl: str
    description_en: str
    nullable: bool = False
    allowed: tuple | str | None = None  # the values, or ORDS_CATEGORIES (looked up when needed)
    min_value: float | None = None
    max_value: float | None = None
    unique: bool = False
    references: str | None = None  # "table.column"
    also_allowed: tuple = ()  # values that are no reference (the Ruilpunt's own account)


@dataclass(frozen=True)
class Table:
    name: str
    description_nl: str
    description_en: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name, dtype, label_nl, label_en, desc_nl, desc_en, **kw) -> Column:
    return Column(name, dtype, label_nl, label_en, desc_nl, desc_en, **kw)


def _date(name="date", nl="Datum", en="Date", dnl="Datum (JJJJ-MM-DD).", den="Date (YYYY-MM-DD).", **kw):
    return _c(name, "date", nl, en, dnl, den, **kw)


TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "activities",
            "Een activiteit van de Werkplaats.",
            "An activity of the Werkplaats.",
            (
                _c("activity_id", "string", "Activiteit-code", "Activity id", "Korte vaste code van de activiteit.", "Short fixed code of the activity.", unique=True),
                _c("name_nl", "string", "Naam (NL)", "Name (NL)", "Naam in het Nederlands.", "Name in Dutch."),
                _c("name_en", "string", "Naam (EN)", "Name (EN)", "Naam in het Engels.", "Name in English."),
                _c("theme", "string", "Thema", "Theme", "Thema van de activiteit.", "Theme of the activity.", allowed=THEMES),
                _date("started", "Gestart", "Started", "Eerste dag van de activiteit.", "First day of the activity."),
                _date("ended", "Gestopt", "Ended", "Laatste dag; leeg als de activiteit nog loopt.", "Last day; empty while the activity runs.", nullable=True),
                _c("paid_support_hours_per_week", "float", "Betaalde uren per week", "Paid hours per week", "Betaalde coördinatie-uren per week op dit moment.", "Paid coordination hours per week at present.", min_value=0, max_value=60),
            ),
            key=("activity_id",),
        ),
        Table(
            "paid_support",
            "Betaalde ondersteuning van een activiteit in een periode.",
            "Paid support of an activity during a period.",
            (
                _c("activity_id", "string", "Activiteit-code", "Activity id", "Code van de activiteit.", "Activity id.", references="activities.activity_id"),
                _date("start", "Van", "From", "Eerste dag van de periode.", "First day of the period."),
                _date("end", "Tot en met", "Until", "Laatste dag; leeg als het nog loopt.", "Last day; empty while ongoing.", nullable=True),
                _c("hours_per_week", "float", "Uren per week", "Hours per week", "Betaalde uren per week.", "Paid hours per week.", min_value=0, max_value=60),
                _c("funder", "string", "Betaald door", "Funded by", "Wie de uren betaalt.", "Who pays for the hours.", nullable=True),
            ),
        ),
        Table(
            "sessions",
            "Eén opening, bijeenkomst of workshop.",
            "One opening, meeting or workshop.",
            (
                _c("session_id", "string", "Bijeenkomst-code", "Session id", "Unieke code van de bijeenkomst.", "Unique session id.", unique=True),
                _c("activity_id", "string", "Activiteit-code", "Activity id", "Code van de activiteit.", "Activity id.", references="activities.activity_id"),
                _date(),
                _c("start_time", "time", "Begintijd", "Start time", "Begintijd (UU:MM).", "Start time (HH:MM).", nullable=True),
                _c("end_time", "time", "Eindtijd", "End time", "Eindtijd (UU:MM).", "End time (HH:MM).", nullable=True),
                _c("location", "string", "Locatie", "Location", "Waar het was.", "Where it took place.", nullable=True),
                _c("visitors_count", "int", "Aantal bezoekers", "Visitors", "Geteld aantal bezoekers (ook zonder naam).", "Counted visitors (also those without a name).", nullable=True, min_value=0, max_value=5000),
                _c("title", "string", "Titel", "Title", "Naam van de bijeenkomst of reeks (bijv. 'Keramiek schilderen').", "Name of the session or series (e.g. 'Keramiek schilderen').", nullable=True),
            ),
            key=("session_id",),
        ),
        Table(
            "attendance",
            "Eén persoon bij één bijeenkomst.",
            "One person at one session.",
            (
                _c("session_id", "string", "Bijeenkomst-code", "Session id", "Code van de bijeenkomst.", "Session id.", references="sessions.session_id"),
                _c("person_id", "string", "Pseudoniem", "Pseudonym", "Pseudoniem van de persoon (geen naam).", "Pseudonym of the person (no name).", references="people.person_id"),
                _c("role", "string", "Rol", "Role", "Bezoeker, vrijwilliger, coördinator of deskundige.", "Visitor, volunteer, coordinator or expert.", allowed=ROLES),
            ),
            key=("session_id", "person_id"),
        ),
        Table(
            "people",
            "Eén persoon, met pseudoniem.",
            "One person, pseudonymised.",
            (
                _c("person_id", "string", "Pseudoniem", "Pseudonym", "Pseudoniem (HMAC van de naam).", "Pseudonym (HMAC of the name).", unique=True),
                _c("birth_year_band", "string", "Geboortejaren", "Birth years", "Tien jaar waarin de persoon is geboren.", "Ten-year band of birth.", nullable=True, allowed=BIRTH_YEAR_BANDS),
                _c("lives_in_neighbourhood", "bool", "Woont in de wijk", "Lives in the neighbourhood", "Woont in het Oude Westen (volgens postcode).", "Lives in Oude Westen (by postcode).", nullable=True),
                _date("first_seen", "Eerst gezien", "First seen", "Eerste keer in een register.", "First time in any register.", nullable=True),
            ),
            key=("person_id",),
        ),
        Table(
            "repairs",
            "Eén voorwerp bij het Repair Café (volgens ORDS).",
            "One item brought to the Repair Café (ORDS-aligned).",
            (
                _c("repair_id", "string", "Reparatie-code", "Repair id", "Unieke code.", "Unique id.", unique=True),
                _date(),
                _c("product_category", "string", "Productcategorie", "Product category", "ORDS-productcategorie (of een ORDS-categorie voor spullen zonder stroom).", "ORDS product category (or an ORDS unpowered category).", nullable=True, allowed=ORDS_CATEGORIES),
                _c("partner_product_category", "string", "Eigen omschrijving", "Own description", "Wat er in het register stond.", "What the register said.", nullable=True),
                _c("brand", "string", "Merk", "Brand", "Merk van het voorwerp.", "Brand of the item.", nullable=True),
                _c("year_of_manufacture", "int", "Bouwjaar", "Year made", "Jaar van maken, als bekend.", "Year of manufacture, when known.", nullable=True, min_value=1900, max_value=2100),
                _c("problem", "string", "Probleem", "Problem", "Wat er kapot was.", "What was broken.", nullable=True),
                _c("repair_status", "string", "Resultaat", "Outcome", "Gerepareerd, repareerbaar, einde levensduur of onbekend.", "Fixed, repairable, end of life or unknown.", allowed=REPAIR_STATUSES),
                _c("repair_barrier", "string", "Waarom niet", "Repair barrier", "Waarom het niet lukte (alleen bij einde levensduur).", "Why it failed (end of life only).", nullable=True, allowed=REPAIR_BARRIERS),
            ),
            key=("repair_id",),
        ),
        Table(
            "swaps",
            "Eén ruil bij het Ruilpunt (punten van ontvanger naar gever).",
            "One Ruilpunt swap (points move from receiver to giver).",
            (
                _c("swap_id", "string", "Ruil-code", "Swap id", "Unieke code.", "Unique id.", unique=True),
                _date(),
                _c("giver_id", "string", "Gever", "Giver", "Pseudoniem van wie gaf (of org_ruilpunt: de winkel zelf).", "Pseudonym of the giver (or org_ruilpunt: the shop itself).", references="people.person_id", also_allowed=(ORGANISATION_ACCOUNT,)),
                _c("receiver_id", "string", "Ontvanger", "Receiver", "Pseudoniem van wie kreeg (of org_ruilpunt: de winkel zelf).", "Pseudonym of the receiver (or org_ruilpunt: the shop itself).", references="people.person_id", also_allowed=(ORGANISATION_ACCOUNT,)),
                _c("kind", "string", "Soort", "Kind", "Spullen of dienst.", "Good or service.", allowed=SWAP_KINDS),
                _c("category", "string", "Categorie", "Category", "Soort spullen of dienst.", "Category of good or service.", nullable=True),
                _c("points", "float", "Punten", "Points", "Aantal punten (meer dan 0).", "Number of points (above 0).", min_value=0.01, max_value=10000),
            ),
            key=("swap_id",),
        ),
        Table(
            "energy_visits",
            "Eén huisbezoek van een energiecoach.",
            "One energy-coach home visit.",
            (
                _c("visit_id", "string", "Bezoek-code", "Visit id", "Unieke code.", "Unique id.", unique=True),
                _date(),
                _c("household_id", "string", "Huishouden", "Household", "Pseudoniem van het huishouden (adres).", "Pseudonym of the household (address)."),
                _c("coach_id", "string", "Coach", "Coach", "Pseudoniem van de coach.", "Pseudonym of the coach.", references="people.person_id"),
                _c("measures", "string", "Maatregelen", "Measures", "Genomen maatregelen, gescheiden door ';'.", "Measures taken, separated by ';'.", nullable=True),
                _c("est_kwh_saved", "float", "Geschat kWh bespaard", "Est. kWh saved", "Geschatte besparing stroom per jaar.", "Estimated electricity saved per year.", nullable=True, min_value=0, max_value=10000),
                _c("est_gas_m3_saved", "float", "Geschat m³ gas bespaard", "Est. gas m³ saved", "Geschatte besparing gas per jaar.", "Estimated gas saved per year.", nullable=True, min_value=0, max_value=5000),
            ),
            key=("visit_id",),
        ),
        Table(
            "greening",
            "Eén vergroeningsactie.",
            "One greening action.",
            (
                _c("action_id", "string", "Actie-code", "Action id", "Unieke code.", "Unique id.", unique=True),
                _date(),
                _c("kind", "string", "Soort", "Kind", "Geveltuin, tegels eruit, boomspiegel, regenton of onderhoud.", "Facade garden, tiles removed, tree pit, rain barrel or maintenance.", allowed=GREENING_KINDS),
                _c("street", "string", "Straat", "Street", "Straat (zonder huisnummer).", "Street (no house number).", nullable=True),
                _c("quantity", "float", "Aantal", "Quantity", "Hoeveel.", "How many.", min_value=0, max_value=100000),
                _c("unit", "string", "Eenheid", "Unit", "Stuks, tegels of m².", "Items, tiles or m².", nullable=True),
            ),
            key=("action_id",),
        ),
        Table(
            "solar",
            "Aandeel van één bewoner in een zonnedak, per jaar.",
            "One resident's share in a solar roof, per year.",
            (
                _c("person_id", "string", "Pseudoniem", "Pseudonym", "Pseudoniem van de deelnemer.", "Pseudonym of the member.", references="people.person_id"),
                _c("project", "string", "Project", "Project", "Naam van het zonnedak.", "Name of the solar roof."),
                _c("year", "int", "Jaar", "Year", "Jaar.", "Year.", min_value=2014, max_value=2100),
                _c("shares", "int", "Aandelen", "Shares", "Aantal aandelen.", "Number of shares.", min_value=1, max_value=1000),
                _c("kwh_allocated", "float", "Toegewezen kWh", "Allocated kWh", "kWh van het dak toegewezen aan de deelnemer.", "kWh of the roof allocated to the member.", min_value=0, max_value=10000),
            ),
            key=("person_id", "project", "year"),
        ),
        Table(
            "survey_responses",
            "Eén antwoord op één vraag van een vragenlijst.",
            "One answer to one questionnaire item.",
            (
                _c("response_id", "string", "Antwoord-code", "Response id", "Code van het ingevulde formulier.", "Id of the filled-in form."),
                _c("person_id", "string", "Pseudoniem", "Pseudonym", "Pseudoniem van wie antwoordde.", "Pseudonym of the respondent.", references="people.person_id"),
                _date(),
                _c("instrument", "string", "Vragenlijst", "Instrument", "Welke vragenlijst (vfi, sci, local, open).", "Which instrument (vfi, sci, local, open)."),
                _c("item", "string", "Vraag", "Item", "Code van de vraag.", "Item code."),
                _c("value", "float", "Score", "Score", "Antwoord als getal (leeg bij open vraag).", "Answer as a number (empty for open items).", nullable=True),
                _c("text", "string", "Tekst", "Text", "Antwoord op een open vraag.", "Answer to an open item.", nullable=True),
                _c("language", "string", "Taal", "Language", "Taal van het formulier.", "Language of the form.", nullable=True),
            ),
            key=("response_id", "instrument", "item"),
        ),
        Table(
            "consents",
            "Eén toestemmingsbesluit (alleen toevoegen, nooit wijzigen).",
            "One consent decision (append-only).",
            (
                _c("person_id", "string", "Pseudoniem", "Pseudonym", "Pseudoniem van wie toestemming geeft.", "Pseudonym of who decides.", references="people.person_id"),
                _c("subject", "string", "Onderwerp", "Subject", "Verhaal- of foto-code, of 'data'.", "Story or photo id, or 'data'."),
                _c("purpose", "string", "Doel", "Purpose", "Onderzoek, expositie (anoniem / met voornaam) of online.", "Research, exhibition (anonymous / first name) or online.", allowed=CONSENT_PURPOSES),
                _c("granted", "bool", "Toestemming", "Granted", "Ja = gegeven, nee = ingetrokken of geweigerd.", "True = granted, false = withdrawn or refused."),
                _date(),
                _c("method", "string", "Hoe gegeven", "How given", "Op papier, mondeling met tolk, of digitaal.", "On paper, verbally with an interpreter, or digitally.", nullable=True, allowed=CONSENT_METHODS),
            ),
        ),
        Table(
            "stories",
            "Eén verhaal van een bewoner (alleen met toestemming voor onderzoek; namen vervangen).",
            "One resident's story (research consent only; names replaced).",
            (
                _c("story_id", "string", "Verhaal-code", "Story id", "Code van het verhaal of de vertaling.", "Id of the story or translation.", unique=True),
                _c("original_id", "string", "Origineel", "Original", "Code van het oorspronkelijke verhaal.", "Id of the original story."),
                _c("title", "string", "Titel", "Title", "Titel van het verhaal.", "Title of the story."),
                _c("teller", "string", "Verteller", "Teller", "Pseudoniem van de verteller (geen naam).", "Pseudonym of the teller (no name)."),
                _c("collector", "string", "Opgetekend door", "Collector", "Pseudoniem van wie het opschreef.", "Pseudonym of who wrote it down."),
                _c("language", "string", "Taal", "Language", "Taal (ISO 639-1).", "Language (ISO 639-1)."),
                _date(),
                _c("activity", "string", "Activiteit", "Activity", "Activiteit waar het verhaal over gaat.", "Activity the story is about."),
                _c("domain", "string", "Domein van verandering", "Domain of change", "Domein (Most Significant Change).", "Domain (Most Significant Change)."),
                _c("themes", "string", "Thema's", "Themes", "Thema's, gescheiden door ';'.", "Themes, separated by ';'.", nullable=True),
                _c("quote", "string", "Citaat", "Quote", "Kort citaat.", "Short quote.", nullable=True),
                _c("photo", "string", "Foto", "Photo", "Foto-code, als er een foto is.", "Photo id, if there is a photo.", nullable=True),
                _c("demo", "bool", "Voorbeeld", "Demo", "Verzonnen voorbeeldverhaal.", "Made-up demo story."),
                _c("text", "string", "Tekst", "Text", "Het verhaal, met namen vervangen.", "The story, names replaced."),
            ),
            key=("story_id",),
        ),
        Table(
            "story_codings",
            "Eén codering: een stukje tekst van een verhaal dat een codeur een code gaf.",
            "One coding: a span of a story's text that a coder gave a code.",
            (
                _c("story_id", "string", "Verhaal-code", "Story id", "Code van het verhaal.", "Story id.", references="stories.story_id"),
                _c("coder", "string", "Codeur", "Coder", "Pseudoniem van de codeur.", "Pseudonym of the coder."),
                _c("code", "string", "Code", "Code", "Code uit het codeboek.", "Code from the codebook."),
                _c("parent", "string", "Hoofdcode", "Parent code", "Bovenliggende code.", "Parent code.", nullable=True),
                _c("label_nl", "string", "Naam (NL)", "Label (NL)", "Naam van de code in het Nederlands.", "Code label in Dutch.", nullable=True),
                _c("label_en", "string", "Naam (EN)", "Label (EN)", "Naam van de code in het Engels.", "Code label in English.", nullable=True),
                _c("start", "int", "Begin", "Start", "Eerste teken van het stukje (vanaf 0).", "First character of the span (from 0).", min_value=0),
                _c("end", "int", "Eind", "End", "Teken na het stukje.", "Character after the span.", min_value=0),
            ),
        ),
        Table(
            "story_selections",
            "Een keuze van een panel in een ronde van Most Significant Change.",
            "A panel's choice in a Most Significant Change round.",
            (
                _c("round", "int", "Ronde", "Round", "Nummer van de ronde.", "Round number.", min_value=1),
                _date(),
                _c("panel", "string", "Panel", "Panel", "Wie koos (een groep, geen namen).", "Who chose (a group, no names)."),
                _c("domain", "string", "Domein", "Domain", "Domein van verandering.", "Domain of change."),
                _c("story_id", "string", "Gekozen verhaal", "Chosen story", "Code van het gekozen verhaal.", "Id of the chosen story.", references="stories.story_id"),
                _c("reasons", "string", "Waarom", "Reasons", "Waarom het panel dit verhaal koos.", "Why the panel chose this story.", nullable=True),
            ),
        ),
        Table(
            "story_codebook",
            "Het codeboek: codes met naam en uitleg in het Nederlands en Engels.",
            "The codebook: codes with Dutch and English labels and descriptions.",
            (
                _c("code", "string", "Code", "Code", "Code.", "Code.", unique=True),
                _c("parent", "string", "Hoofdcode", "Parent code", "Bovenliggende code.", "Parent code.", nullable=True),
                _c("label_nl", "string", "Naam (NL)", "Label (NL)", "Naam in het Nederlands.", "Label in Dutch."),
                _c("label_en", "string", "Naam (EN)", "Label (EN)", "Naam in het Engels.", "Label in English."),
                _c("description_nl", "string", "Uitleg (NL)", "Description (NL)", "Wanneer je deze code geeft.", "When to give this code.", nullable=True),
                _c("description_en", "string", "Uitleg (EN)", "Description (EN)", "When to give this code (English).", "When to give this code.", nullable=True),
                _c("survey_items", "string", "Vragen in de enquête", "Survey items", "Vragen uit de motivatie-enquête die bij deze code passen.", "Motivation survey items that match this code.", nullable=True),
            ),
            key=("code",),
        ),
    ]
}


_PANDAS_DTYPES = {"string": "object", "time": "object", "date": "datetime64[ns]", "float": "float64", "int": "Int64",
                  "bool": "boolean"}
TEXT_TYPES = ("string", "time")


def pandas_dtype(column: Column) -> str:
    """The pandas dtype a release column has."""
    return _PANDAS_DTYPES[column.dtype]


def allowed_values(column: Column) -> tuple | None:
    """The values a column may hold (None: any), with ``ORDS_CATEGORIES`` looked up."""
    if column.allowed == ORDS_CATEGORIES:
        from werkplaats_data.repair import UNPOWERED_CATEGORIES, product_categories

        return (*product_categories()["product_category"], *UNPOWERED_CATEGORIES)
    return column.allowed


def _checks(column: Column) -> list[pa.Check]:
    checks = []
    if column.allowed is not None:
        checks.append(pa.Check.isin(allowed_values(column)))
    if column.dtype == "time":
        checks.append(pa.Check.str_matches(r"^([01]\d|2[0-3]):[0-5]\d$"))
    if column.min_value is not None:
        checks.append(pa.Check.ge(column.min_value))
    if column.max_value is not None:
        checks.append(pa.Check.le(column.max_value))
    return checks


def schema(table: str) -> pa.DataFrameSchema:
    """The pandera schema of one canonical table (types, allowed values, ranges, keys)."""
    spec = TABLES[table]
    columns = {
        c.name: pa.Column(
            pandas_dtype(c) if c.dtype not in TEXT_TYPES else None,
            checks=_checks(c),
            nullable=c.nullable,
            unique=c.unique,
            coerce=c.dtype not in TEXT_TYPES,
        )
        for c in spec.columns
    }
    return pa.DataFrameSchema(
        columns,
        unique=list(spec.key) if len(spec.key) > 1 else None,
        strict=True,
        ordered=False,
        name=table,
    )


def empty_table(table: str) -> pd.DataFrame:
    """An empty DataFrame with the table's columns and dtypes."""
    return pd.DataFrame({c.name: pd.Series(dtype=pandas_dtype(c)) for c in TABLES[table].columns})


def column(table: str, name: str) -> Column:
    """One column of a canonical table."""
    return next(c for c in TABLES[table].columns if c.name == name)


def references() -> list[tuple[str, str, str, str]]:
    """Foreign keys as (table, column, referenced table, referenced column); a value in the column's
    ``also_allowed`` is no reference."""
    out = []
    for t in TABLES.values():
        for c in t.columns:
            if c.references:
                ref_table, ref_col = c.references.split(".")
                out.append((t.name, c.name, ref_table, ref_col))
    return out


def data_dictionary() -> pd.DataFrame:
    """Every column of every table with its Dutch and English label and description."""
    rows = [
        {
            "table": t.name,
            "column": c.name,
            "type": c.dtype,
            "label_nl": c.label_nl,
            "label_en": c.label_en,
            "description_nl": c.description_nl,
            "description_en": c.description_en,
            "allowed_values": ", ".join(allowed_values(c)) if c.allowed else "",
        }
        for t in TABLES.values()
        for c in t.columns
    ]
    return pd.DataFrame(rows)
