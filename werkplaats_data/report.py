"""The printable report: the work-plan review and the executed research notebooks as static HTML.

``build_report(out, data=…, plan=…)`` writes into ``out``:

- ``index.html`` — the work-plan review, with its charts as inline SVG;
- ``notebooks/<name>.html`` — each research notebook, executed against the release with charts as
  SVG (``WERKPLAATS_STATIC=1`` makes ``charts.show`` give SVG) and exported without code cells;
- ``werkplan_review.pdf`` — the review printed by headless Chromium, when Chromium is installed.

Everything opens without internet: no script, style sheet, font or image from another host (the
nbconvert ``basic`` template has none; ``strip_outside_references`` removes any left and turns
outside links into plain text). Pages are laid out for A4 paper. The notebooks run in public mode
(``WERKPLAATS_PUBLIC=1``). Before it finishes, the report is scanned for every pseudonym in the
release (every pseudonym column of the schemas), every name word of the plan's owners and the
names of the stories' redaction list, as whole words; one found is an error, not a warning.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import html
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from werkplaats_data import charts, privacy, workplan
from werkplaats_data.errors import UserError, message
from werkplaats_data.i18n import direction, format_date, t

REVIEW_FILE = "index.html"
PDF_FILE = "werkplan_review.pdf"
NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"

#: A4 pages: each main section starts on a new page, tables and charts are not split.
CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1F2A36; font-size: 11pt; line-height: 1.45;
       max-width: 180mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 20pt; margin: 0 0 4mm; }
h2 { font-size: 15pt; margin-top: 10mm; border-bottom: 2px solid #0072B2; padding-bottom: 1mm; }
h3 { font-size: 12pt; margin: 6mm 0 2mm; }
.demo { background: #F0E442; color: #1F2A36; font-weight: bold; padding: 2mm 4mm; border-radius: 2mm; margin-bottom: 4mm; }
.fix { border: 3px solid #D55E00; border-radius: 2mm; padding: 2mm 5mm; margin: 4mm 0; }
.fix h2 { border: none; margin-top: 2mm; color: #A33E00; }
.note { font-size: 9.5pt; color: #3B4B5C; }
.flag { background: #FBE3D6; border-left: 5px solid #D55E00; padding: 2mm 4mm; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; margin: 2mm 0 4mm; }
th, td { border-bottom: 1px solid #C9D1D9; padding: 1.2mm 2mm; text-align: left; vertical-align: top; }
th { background: #EEF2F5; }
tr, figure, svg, img, .panel, .fix { break-inside: avoid; page-break-inside: avoid; }
svg, img { max-width: 100%; height: auto; }
figure { margin: 3mm 0; }
section.page { break-before: page; page-break-before: always; }
nav a, a { color: #0060A0; }
.jp-InputPrompt, .jp-OutputPrompt, .prompt { display: none; }
@media print { nav.screen-only, .screen-only { display: none; } body { padding: 0; } }
"""

_OUTSIDE = r"https?://(?!(?:127\.0\.0\.1|localhost)[:/])"


@dataclass
class ReportResult:
    """What ``build_report`` wrote."""

    review: Path
    notebooks: list[Path] = field(default_factory=list)
    pdf: Path | None = None
    failed: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- offline and privacy checks


def strip_outside_references(text: str) -> str:
    """The HTML with nothing loaded from another host: outside scripts, frames, style sheets and images
    removed, CSS ``url(…)``/``@import`` of outside addresses removed, and outside links turned into
    plain text with the address in brackets."""
    text = re.sub(rf"<(script|iframe)\b[^>]*\bsrc\s*=\s*[\"']?{_OUTSIDE}[^>]*>.*?</\1\s*>", "", text, flags=re.S | re.I)
    text = re.sub(rf"<(?:link|img|source|script|iframe|embed)\b[^>]*\b(?:src|href)\s*=\s*[\"']?{_OUTSIDE}[^>]*>", "", text, flags=re.I)
    text = re.sub(rf"@import\s+(?:url\()?[\"']?{_OUTSIDE}[^;]*;", "", text, flags=re.I)
    text = re.sub(rf"url\(\s*[\"']?{_OUTSIDE}[^)]*\)", "none", text, flags=re.I)

    def plain(match: re.Match) -> str:
        address, label = match.group(1), match.group(2)
        return label if address in label else f"{label} ({address})"

    return re.sub(rf"<a\b[^>]*\bhref\s*=\s*[\"']({_OUTSIDE}[^\"']*)[\"'][^>]*>(.*?)</a\s*>", plain, text, flags=re.S | re.I)


def outside_references(text: str) -> list[str]:
    """Every src/href/url(…) in the HTML that points to another host (should be empty)."""
    return re.findall(rf"(?:\b(?:src|href)\s*=\s*[\"']?|url\(\s*[\"']?|@import\s+[\"']?)({_OUTSIDE}[^\"'\s)>]*)", text, flags=re.I)


_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _as_written(word: str) -> str:
    """A pattern for ``word``: a single name word as names are written (``redaction``'s rule), else any case."""
    if not _NAME_WORD.fullmatch(word):
        return re.escape(word)
    forms = sorted({word[:1].upper() + word[1:], word.upper()}, key=len, reverse=True)
    return "(?-i:" + "|".join(map(re.escape, forms)) + ")"


def find_in_files(folder: Path, words, *, suffixes=(".html", ".svg", ".css", ".js")) -> dict[str, list[str]]:
    """Which of ``words`` occur as whole words in which file under ``folder`` ({file: [words]}).

    On the text with HTML entities decoded; a word inside a longer word does not count ('Els' is not
    found in 'modellen', 'Jan' not in 'januari'). Pseudonyms and names of several words count in any
    letter case; a single name word only as names are written, with a capital first or in capitals,
    the rule the redaction follows ('Ben' and 'BEN', not the verb in 'ik ben').
    """
    words = sorted({w.strip() for w in words if isinstance(w, str) and w.strip()}, key=len, reverse=True)
    found: dict[str, list[str]] = {}
    if not words:
        return found
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(_as_written(w) for w in words)})(?!\w)", re.IGNORECASE)
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in suffixes:
            text = html.unescape(path.read_text(encoding="utf-8", errors="replace"))
            hits = sorted({m.group(0).casefold() for m in pattern.finditer(text)})
            if hits:
                found[str(path.relative_to(folder))] = hits
    return found


def person_id_columns() -> dict[str, list[str]]:
    """The columns of the release that hold a pseudonym of a person, from the schemas ({table: [columns]}):
    every column whose description says it is a pseudonym (person, giver, coach, household, teller, coder …)."""
    from werkplaats_data import schemas

    columns = {name: [c.name for c in table.columns if "pseudonym" in c.description_en.lower()]
               for name, table in schemas.TABLES.items()}
    return {name: cols for name, cols in columns.items() if cols}


def person_ids(release) -> set[str]:
    """Every pseudonym in the release (``person_id_columns``), with the story tables the notebooks show
    (``stories.tables_for``); the Ruilpunt's own account is not a person."""
    from werkplaats_data import schemas, stories

    tables = {**stories.tables_for(release), **release.tables}
    out: set[str] = set()
    for table, cols in person_id_columns().items():
        frame = tables.get(table)
        if frame is None:
            continue
        for col in cols:
            if col in frame:
                out |= set(frame[col].dropna().astype(str))
    return out - {schemas.ORGANISATION_ACCOUNT}


def redaction_names(stories_dir: str | Path | None) -> set[str]:
    """The person names of a stories folder's redaction list (``redaction.csv``), each whole and word by
    word (``workplan.name_words``); empty when there is no list."""
    from werkplaats_data.stories import redaction_list

    if stories_dir is None:
        return set()
    terms = redaction_list(stories_dir)
    names = set(terms.loc[terms["kind"] == "person", "term"])
    return names | {word for name in names for word in workplan.name_words(name)}


# ---------------------------------------------------------------- HTML pieces


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def table_html(df: pd.DataFrame) -> str:
    """A DataFrame as a plain HTML table (values escaped, no index)."""
    head = "".join(f"<th>{_e(c)}</th>" for c in df.columns)
    rows = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>" for row in df.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def figure_html(chart) -> str:
    """A chart as inline SVG in a figure (rendered here, nothing for the browser to fetch)."""
    return f"<figure>{charts.to_svg(chart)}</figure>"


def page(title: str, body: str, *, lang: str, demo: bool) -> str:
    """A complete, self-contained HTML page with the report's print style and, on demo data, the banner."""
    banner = f'<div class="demo">{_e(t("demo.banner", lang))}</div>' if demo else ""
    return (f'<!DOCTYPE html>\n<html lang="{lang}" dir="{direction(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_e(title)}</title>'
            f"<style>{CSS}</style></head><body>{banner}{body}</body></html>\n")


def review_html(rv: workplan.Review, *, lang: str = "nl", notebooks: list[tuple[str, str]] = (),
                pdf: str | None = None) -> str:
    """The review as one HTML page: to-fix box, goals, plan, planned vs realised, continuity, coordination,
    support needed. ``notebooks`` are (title, relative link) pairs listed in the contents. Public output:
    small-cell rule on counts of people, who leads an activity as a role only, and every private name
    (``Review.private_names``) replaced in the plan's free text (title, goals, risks, roles, to-fix list)."""
    charts.use_theme()
    date = format_date(rv.as_of, lang)
    source = t("source.demo", lang) if rv.demo else t("workplan.source", lang, date=date)
    title = t("workplan.report.title", lang, title=rv.public_text(rv.plan.title, lang))
    parts = [f"<h1>{_e(title)}</h1>", f"<p>{_e(t('workplan.report.intro', lang, date=date))}</p>"]

    contents = [("goals", t("workplan.report.goals", lang)), ("plan", t("workplan.report.plan", lang)),
                ("progress", t("workplan.report.progress", lang)), ("continuity", t("workplan.report.continuity", lang)),
                ("coordination", t("workplan.report.uncoordinated", lang)), ("support", t("workplan.report.support", lang))]
    links = "".join(f'<li><a href="#{key}">{_e(label)}</a></li>' for key, label in contents)
    links += "".join(f'<li><a href="{_e(href)}">{_e(label)}</a></li>' for label, href in notebooks)
    if pdf:
        links += f'<li><a href="{_e(pdf)}">{_e(t("workplan.report.pdf", lang))}</a></li>'
    parts.append(f'<nav class="screen-only"><h3>{_e(t("workplan.report.contents", lang))}</h3><ul>{links}</ul>'
                 f'<p class="note">{_e(t("workplan.report.print", lang))}</p></nav>')

    problems = [rv.public_text(p, lang) for p in rv.plan.problem_texts(lang)]
    if problems:
        items = "".join(f"<li>{_e(p)}</li>" for p in problems)
        parts.append(f'<div class="fix" id="fix"><h2>{_e(t("workplan.report.fix", lang))}</h2>'
                     f'<p>{_e(t("workplan.report.fix_intro", lang))}</p><ul>{items}</ul></div>')

    goals = "".join(f"<li>{_e(rv.public_text(g, lang))}</li>" for g in rv.plan.goals)
    parts.append(f'<h2 id="goals">{_e(t("workplan.report.goals", lang))}</h2><ul>{goals}</ul>')
    parts.append(f'<h2 id="plan">{_e(t("workplan.report.plan", lang))}</h2>{table_html(workplan.plan_table(rv, lang=lang))}')

    parts.append(f'<section class="page"><h2 id="progress">{_e(t("workplan.report.progress", lang))}</h2>'
                 f"{figure_html(workplan.progress_chart(rv, source=source, lang=lang))}"
                 f'<p class="note">{_e(t("workplan.report.progress_note", lang))}</p>'
                 f"{table_html(workplan.progress_table(rv, lang=lang, public=True))}</section>")

    panels = "".join(f'<div class="panel"><h3>{_e(rv.name(a, lang))}</h3>'
                     f"{table_html(workplan.panel_table(rv, a, lang=lang, public=True))}</div>"
                     for a in rv.panel["activity_id"])
    parts.append(f'<section class="page"><h2 id="continuity">{_e(t("workplan.report.continuity", lang))}</h2>'
                 f'<p>{_e(t("workplan.report.continuity_note", lang))}</p>{panels}</section>')

    parts.append(f'<section class="page"><h2 id="coordination">{_e(t("workplan.report.uncoordinated", lang))}</h2>'
                 f"{workplan.coordination_html(rv, lang=lang)}")
    parts.append(f'<h2 id="support">{_e(t("workplan.report.support", lang))}</h2>'
                 f"{figure_html(workplan.support_chart(rv, source=source, lang=lang))}"
                 f'<p class="note">{_e(t("workplan.report.support_note", lang, date=date))}</p>'
                 f"{table_html(workplan.support_table(rv, lang=lang))}</section>")
    parts.append(f'<p class="note">{_e(t("workplan.report.privacy", lang, min_cell=privacy.MIN_CELL, round_to=privacy.ROUND_TO))}</p>'
                 f'<p class="note">{_e(source)} · {_e(t("workplan.report.made", lang, date=format_date(dt.date.today(), lang)))}</p>')
    return page(title, "".join(parts), lang=lang, demo=rv.demo)


# ---------------------------------------------------------------- notebooks


@contextlib.contextmanager
def _environment(**values: str):
    """Set environment variables for the duration (the notebook kernels inherit them)."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def execute_notebook(path: Path, *, release_path: Path, stories: Path | None = None, timeout: int = 600):
    """Run a notebook top to bottom against ``release_path``, in public mode, with charts as SVG;
    returns the executed notebook.

    The release reaches the notebook through ``WERKPLAATS_DATA`` and public mode through
    ``WERKPLAATS_PUBLIC=1`` (its ``parameters`` cell keeps the defaults None, which mean: the
    release in ``WERKPLAATS_DATA``, and ``privacy.public_mode()``): small-cell rule, no pseudonyms,
    stories only with exhibition consent — from ``stories`` (a folder with its consent ledger,
    through ``WERKPLAATS_STORIES``) when given, else what the release holds.
    """
    import nbformat
    from nbconvert.preprocessors import ExecutePreprocessor

    from werkplaats_data.privacy import PUBLIC_ENV

    nb = nbformat.read(path, as_version=4)
    from werkplaats_data.stories import STORIES_ENV

    folder = {STORIES_ENV: str(stories)} if stories is not None and Path(stories).is_dir() else {}
    with _environment(WERKPLAATS_DATA=str(release_path), **{charts.STATIC_ENV: "1", PUBLIC_ENV: "1"}, **folder):
        ExecutePreprocessor(timeout=timeout, kernel_name="python3").preprocess(nb, {"metadata": {"path": str(path.parent)}})
    return nb


def notebook_title(nb, fallback: str) -> str:
    """The first Markdown heading of a notebook, or ``fallback``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, flags=re.M)
            if match:
                return match.group(1).strip()
    return fallback


def inline_svg_images(text: str) -> str:
    """Replace ``<img src="data:image/svg+xml;base64,…">`` by the SVG itself, so charts are inline SVG
    (readable by the privacy scan, sharp in print)."""

    def inline(match: re.Match) -> str:
        svg = re.sub(r"^<\?xml[^>]*>", "", base64.b64decode(match.group(1)).decode("utf-8").strip())
        return f"<figure>{svg}</figure>"

    return re.sub(r"<img\b[^>]*\bsrc=\"data:image/svg\+xml;base64,([A-Za-z0-9+/=\s]+)\"[^>]*>", inline, text)


def notebook_html(nb, *, title: str, lang: str, demo: bool, back: str = "../index.html") -> str:
    """An executed notebook as a self-contained page: outputs and text only (no code, no warnings printed
    to stderr — they are meant for developers), nothing from outside."""
    from nbconvert import HTMLExporter

    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]

    body, _ = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                           exclude_output_prompt=True).from_notebook_node(nb)
    nav = f'<nav class="screen-only"><a href="{_e(back)}">{_e(t("workplan.report.back", lang))}</a></nav>'
    return strip_outside_references(page(title, nav + inline_svg_images(body), lang=lang, demo=demo))


# ---------------------------------------------------------------- PDF


def chromium_path() -> str | None:
    """Debian's Chromium (or ``CHROMIUM``), or None when it is not installed."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def print_pdf(html_file: Path, pdf_file: Path, *, chromium: str, timeout: int = 120) -> Path:
    """Print an HTML file to PDF with headless Chromium (A4 from the page's CSS, no header or footer)."""
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
               "--disable-background-networking", "--no-first-run", f"--print-to-pdf={pdf_file}",
               html_file.resolve().as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0 or not pdf_file.exists():
        raise UserError(message("report.error.pdf", error=result.stderr.strip()[-200:], html=html_file))
    return pdf_file


def pdf_page_count(pdf_file: Path) -> int:
    """Number of pages in a PDF: the largest /Count of a /Pages object (0 when none is found)."""
    data = Path(pdf_file).read_bytes()
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data)]
    counts += [int(n) for n in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", data)]
    return max(counts, default=0)


# ---------------------------------------------------------------- the whole report


def build_report(out: str | Path, *, data: str | Path | None = None, plan: str | Path | None = None,
                 stories: str | Path | None = None, lang: str = "nl", notebooks: list[Path] | None = None,
                 pdf: bool = True, timeout: int = 600) -> ReportResult:
    """Write the report into ``out``: the review (``index.html``), the executed notebooks, and the PDF.

    ``data`` is a release folder (default: ``WERKPLAATS_DATA`` or the demo release); ``plan`` a plan
    file (default: the demo plan); ``stories`` the stories folder (or its ``redaction.csv``) whose
    names must not appear either (default for the demo release: the demo stories); ``notebooks`` the
    notebooks to include (default: all in ``notebooks/``), run in public mode. A notebook that fails
    is listed in ``failed`` and gets a page that says so. The PDF is made only when Chromium is
    installed. Raises ``UserError`` when a pseudonym from the release, an owner's name from the
    plan or a name from the redaction list is found in the output (``find_in_files``); the pages it
    was found in are removed. The notebooks read their stories from ``stories`` when it is a folder.
    """
    from werkplaats_data.release import load_release
    from werkplaats_data.stories import DEMO_STORIES_DIR

    out = Path(out)
    release = load_release(data)
    if stories is None and release.is_demo:
        stories = DEMO_STORIES_DIR
    hidden_names = redaction_names(stories)
    the_plan = workplan.read_plan(plan or workplan.demo_plan_path())
    rv = workplan.review(the_plan, release, also_private=hidden_names)
    demo = rv.demo
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    result = ReportResult(review=out / REVIEW_FILE)

    listed = []
    for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")) if notebooks is None else [Path(p) for p in notebooks]:
        target = out / "notebooks" / f"{path.stem}.html"
        try:
            nb = execute_notebook(path, release_path=release.path, stories=stories, timeout=timeout)
            title = notebook_title(nb, path.stem)
            target.write_text(notebook_html(nb, title=title, lang=lang, demo=demo), encoding="utf-8")
        except Exception as err:  # a broken notebook must not stop the review from being printed
            title = path.stem
            reason = f"{type(err).__name__}: {str(err).strip().splitlines()[-1] if str(err).strip() else ''}"
            body = f"<h1>{_e(title)}</h1><p>{_e(t('workplan.report.notebook_failed', lang, error=reason))}</p>"
            target.write_text(page(title, body, lang=lang, demo=demo), encoding="utf-8")
            result.failed.append(path.name)
        listed.append((title, f"notebooks/{target.name}"))
        result.notebooks.append(target)

    chromium = chromium_path() if pdf else None
    review = strip_outside_references(review_html(rv, lang=lang, notebooks=listed, pdf=PDF_FILE if chromium else None))
    result.review.write_text(review, encoding="utf-8")

    leaks = find_in_files(out, person_ids(release) | rv.private_names)
    if leaks:
        for file in leaks:  # no page with a pseudonym or a name stays behind to be shared by mistake
            (out / file).unlink()
        where = "; ".join(f"{file}: {', '.join(words)}" for file, words in leaks.items())
        raise UserError(message("report.error.names_found", out=out, where=where))
    if chromium:
        result.pdf = print_pdf(result.review, out / PDF_FILE, chromium=chromium)
    return result
