"""``werkplaats templates --out DIR``: blank registers (XLSX and ODS) with drop-down lists and instructions."""

from __future__ import annotations

from werkplaats_data.commands import output_folder
from werkplaats_data.registers import KINDS

FORMATS = ("xlsx", "ods")  # the templates module (openpyxl, odfpy, altair) is imported only when run


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "templates",
        help="write blank registers to fill in (XLSX and ODS, with drop-down lists)",
        description="Write a blank register for every register kind, as XLSX (Excel) and ODS (LibreOffice), "
        "with the headers the cleaning step knows, drop-down lists, dates as dag-maand-jaar and a sheet "
        "'Uitleg – Instructions'.",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="folder to write into (made if missing)")
    parser.add_argument("--kind", action="append", choices=list(KINDS), metavar="KIND",
                        help=f"only this register kind (may be repeated): {', '.join(KINDS)}")
    parser.add_argument("--format", action="append", choices=FORMATS, dest="formats",
                        help="only this format: xlsx or ods (default both)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from werkplaats_data import templates

    out = output_folder(args.out)
    kinds = tuple(args.kind or KINDS)
    formats = tuple(args.formats or FORMATS)
    for path in templates.write_templates(out, kinds=kinds, formats=formats):
        print(path)
    return 0
