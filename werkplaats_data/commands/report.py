"""``werkplaats report``: the work-plan review and the research notebooks as static HTML (and PDF)."""

from __future__ import annotations

from werkplaats_data.errors import message


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write the work-plan review and the executed notebooks as static HTML (and a PDF)",
        description="Write a printable report that opens without internet: the work-plan review (index.html), "
        "every research notebook run against the data, and a PDF of the review when Chromium is installed. "
        "With no --data it uses WERKPLAATS_DATA, or else the demo release (voorbeelddata).",
    )
    parser.add_argument("--data", metavar="DIR", help="a release folder made by 'werkplaats clean'")
    parser.add_argument("--out", metavar="DIR", required=True, help="folder to write the report into")
    parser.add_argument("--plan", metavar="FILE", help="the work plan (.yaml or .xlsx); default: the demo plan 2025")
    parser.add_argument("--stories", metavar="DIR", help="the stories folder (with redaction.csv): its names are kept "
                        "out of the report too; default for the demo data: the demo stories")
    parser.add_argument("--lang", default="nl", choices=["nl", "en"], help="language of the review (default %(default)s)")
    parser.add_argument("--no-notebooks", action="store_true", help="only the review, without the research notebooks")
    parser.add_argument("--no-pdf", action="store_true", help="do not make a PDF, even when Chromium is installed")
    parser.set_defaults(func=run)


def run(args) -> int:
    from werkplaats_data import report

    result = report.build_report(args.out, data=args.data, plan=args.plan, stories=args.stories, lang=args.lang,
                                 notebooks=[] if args.no_notebooks else None, pdf=not args.no_pdf)
    print(f"{message('report.label.review')}: {result.review}")
    for path in result.notebooks:
        print(f"{message('report.label.notebook')}: {path}")
    print(f"PDF: {result.pdf}" if result.pdf else f"PDF: {message('report.status.no_pdf')}")
    for name in result.failed:
        print(message("report.status.notebook_failed", name=name))
    return 1 if result.failed else 0
