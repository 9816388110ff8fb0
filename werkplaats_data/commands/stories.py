"""``werkplaats stories …``: check story files, export/import REFI-QDA, write MSC feedback sheets.

- ``werkplaats stories check [FOLDER]`` names every problem by file and field (exit 1 when any).
- ``werkplaats stories export FOLDER --out PROJECT.qdpx`` writes the research-consented,
  redacted stories with their codings (and ``--codebook BOOK.qdc``) for a QDA program.
- ``werkplaats stories import PROJECT.qdpx --out DIR [--stories FOLDER] [--force]`` reads another
  tool's project into ``DIR/codebook.csv`` and ``DIR/codings.csv`` (never over existing files
  without ``--force``); with ``--stories`` the positions are mapped to that folder's story texts.
- ``werkplaats stories feedback FOLDER --round N --out SHEET.html`` writes the round's feedback.
"""

import zipfile
from pathlib import Path

from werkplaats_data.errors import UserError, message


def register(sub) -> None:
    p = sub.add_parser("stories", help="story files: check, REFI-QDA export/import, MSC feedback")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    check = actions.add_parser("check", help="name every problem in a stories folder, by file and field")
    check.add_argument("folder", type=Path, nargs="?", metavar="FOLDER", help="stories folder (default: the demo stories)")
    check.add_argument("--reseal", action="store_true",
                       help="accept the consent ledger as it is now (after a reviewed correction of earlier lines)")
    check.set_defaults(func=run_check)

    export = actions.add_parser("export", help="REFI-QDA project (.qdpx) of the research-consented, redacted stories")
    export.add_argument("folder", type=Path, metavar="FOLDER")
    export.add_argument("--out", type=Path, required=True, metavar="PROJECT.qdpx")
    export.add_argument("--codebook", type=Path, metavar="BOOK.qdc", help="also write the codebook as .qdc")
    export.set_defaults(func=run_export)

    imp = actions.add_parser("import", help="read a .qdpx from another tool into codebook.csv and codings.csv")
    imp.add_argument("project", type=Path, metavar="PROJECT.qdpx")
    imp.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for codebook.csv and codings.csv")
    imp.add_argument("--stories", type=Path, metavar="FOLDER",
                     help="the kit's stories folder the project was exported from: positions are mapped to its texts")
    imp.add_argument("--force", action="store_true", help="overwrite codebook.csv and codings.csv in --out")
    imp.set_defaults(func=run_import)

    feedback = actions.add_parser("feedback", help="MSC feedback sheet of one round, as a self-contained HTML page")
    feedback.add_argument("folder", type=Path, metavar="FOLDER")
    feedback.add_argument("--round", type=int, required=True, dest="round_no")
    feedback.add_argument("--out", type=Path, required=True, metavar="SHEET.html")
    feedback.add_argument("--lang", default="nl", choices=("nl", "en", "ar"))
    feedback.add_argument("--purpose", default="exhibition_anonymous",
                          help="consent purpose the sheet is shared under (default: exhibition_anonymous)")
    feedback.set_defaults(func=run_feedback)


def _folder(path: Path | None) -> Path:
    from werkplaats_data import stories

    folder = path or stories.DEMO_STORIES_DIR
    if not folder.is_dir():
        raise UserError(message("stories.command.not_a_folder", folder=folder))
    return folder


def run_check(args) -> int:
    from werkplaats_data import consent, stories

    folder = _folder(args.folder)
    ledger = folder / stories.LEDGER_FILE
    if args.reseal and ledger.exists():
        consent.write_seal(ledger)
    problems = stories.check_folder(folder)
    loaded, _ = stories.load_stories(folder)
    for line in problems:
        print(line)
    if ledger.exists() and not consent.check_seal(ledger):  # the ledger only grew: remember it as it is now
        consent.write_seal(ledger)
    print(message("stories.command.checked", stories=len(loaded), folder=folder, problems=len(problems)))
    return 1 if problems else 0


def run_export(args) -> int:
    from werkplaats_data import coding, refiqda, stories

    folder = _folder(args.folder)
    tables = stories.release_tables(folder)
    codebook_file = folder / stories.CODEBOOK_FILE
    codebook = coding.read_codebook(codebook_file)[0] if codebook_file.exists() else coding.empty_codebook()
    codings = tables["story_codings"][list(coding.CODING_COLUMNS)]
    refiqda.export_qdpx(tables["stories"], codebook, codings, args.out)
    print(f"{args.out}: {message('stories.command.exported', stories=len(tables['stories']), codings=len(codings))}")
    if args.codebook:
        refiqda.export_qdc(codebook, args.codebook)
        print(f"{args.codebook}: {message('stories.command.codebook_exported', codes=len(codebook))}")
    return 0


def run_import(args) -> int:
    from werkplaats_data import refiqda, stories

    if not args.project.is_file():
        raise UserError(message("stories.command.no_project", project=args.project))
    targets = [args.out / "codebook.csv", args.out / "codings.csv"]
    existing = [str(path) for path in targets if path.exists()]
    if existing and not args.force:
        raise UserError(message("stories.command.exists", files=", ".join(existing)))
    try:
        texts, codebook, codings, problems = refiqda.import_qdpx(args.project)
    except (ValueError, OSError, zipfile.BadZipFile) as err:
        raise UserError(message("stories.command.unreadable_project", project=args.project, detail=err)) from None
    if args.stories:
        folder = _folder(args.stories)
        originals, _ = stories.load_stories(folder)
        terms = stories.redaction_list(folder)
        codings, found = refiqda.kit_positions(codings, texts, originals, terms)
        problems += found
    args.out.mkdir(parents=True, exist_ok=True)
    codebook.to_csv(targets[0], index=False)
    codings.to_csv(targets[1], index=False)
    for line in problems:
        print(line)
    summary = {"codes": len(codebook), "codings": len(codings), "project": args.project.name}
    if args.stories:
        imported = message("stories.command.imported_mapped", **summary, stories=args.stories)
    else:
        imported = message("stories.command.imported", **summary)
    print(f"{args.out}: {imported}")
    return 1 if problems else 0


def run_feedback(args) -> int:
    from werkplaats_data import msc, stories

    folder = _folder(args.folder)
    rounds, shared = stories.selections(folder, purpose=args.purpose)
    if args.round_no not in set(rounds["round"]):
        there = ", ".join(map(str, sorted(set(rounds["round"])))) or "-"
        raise UserError(message("stories.command.no_round", round=args.round_no, file=folder / stories.ROUNDS_FILE,
                                rounds=there))
    loaded, _ = stories.load_stories(folder)
    page = msc.feedback_html(rounds, shared, round_no=args.round_no, lang=args.lang, demo=bool(loaded["demo"].any()))
    args.out.write_text(page, encoding="utf-8")
    print(f"{args.out}: {message('stories.command.feedback_written', round=args.round_no, language=args.lang)}")
    return 0
