"""``werkplaats survey``: the printable motivation questionnaire and its answer-entry spreadsheet."""

from __future__ import annotations

from werkplaats_data.commands import output_folder


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "survey",
        help="write the printable questionnaire (HTML) and the answer template (XLSX)",
        description="Write the motivation questionnaire as a page to print (A4, works offline) and a spreadsheet "
        "to type the answers into, with the survey register's headers (Naam, Datum, Taal, item codes). "
        "Without --lang it writes Dutch and English.",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="folder to write into (made if missing)")
    parser.add_argument("--lang", choices=("nl", "en"), help="only this language (nl or en)")
    parser.set_defaults(func=run)


def run(args) -> int:
    out = output_folder(args.out)
    from werkplaats_data import questionnaire

    langs = (args.lang,) if args.lang else questionnaire.FORM_LANGUAGES
    for path in questionnaire.write_survey(out, langs=langs):
        print(path)
    return 0
