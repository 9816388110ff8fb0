"""``werkplaats clean RAW_DIR --out RELEASE_DIR``: registers → release + quarantine + report."""

from pathlib import Path

from werkplaats_data.commands import output_folder
from werkplaats_data.errors import UserError, message


def register(sub) -> None:
    p = sub.add_parser("clean", help="clean registers into a pseudonymised data release")
    p.add_argument("raw", type=Path, metavar="RAW_DIR", help="folder with the registers (or one register file)")
    p.add_argument("--out", type=Path, required=True, metavar="RELEASE_DIR", help="folder for the release")
    p.add_argument("--quarantine", type=Path, help="where rows that need fixing go (default: RAW_DIR/quarantaine)")
    p.add_argument("--kind", action="append", default=[], metavar="[FILE=]KIND",
                   help="say which register a file is, e.g. --kind lijst.xlsx=attendance (or just KIND for one file)")
    p.add_argument("--key-file", type=Path, help="secret pseudonym key (default: WERKPLAATS_KEY_FILE or ~/.config/werkplaats)")
    p.set_defaults(func=run)


def _kinds(raw: Path, values: list[str]) -> dict[str, str]:
    kinds = {}
    for value in values:
        if "=" in value:
            name, kind = value.split("=", 1)
            kinds[Path(name).name] = kind
        elif raw.is_file():
            kinds[raw.name] = value
        else:
            raise UserError(message("commands.clean.error.kind_without_file", kind=value))
    return kinds


def run(args) -> int:
    from werkplaats_data import pipeline, privacy

    raw = args.raw
    if not raw.exists():
        raise UserError(message("commands.clean.error.no_registers_folder", folder=raw))
    output_folder(args.out)
    if args.quarantine:
        output_folder(args.quarantine)
    if args.out.resolve() == (raw if raw.is_dir() else raw.parent).resolve():
        raise UserError(message("commands.clean.error.out_is_registers_folder"))
    key = privacy.load_key(args.key_file)
    result = pipeline.clean_registers(raw, key=key, kinds=_kinds(raw, args.kind))
    if not result.tables or not int(result.counts["rows_in"].sum()):
        for line in result.skipped:
            print(line)
        raise UserError(message("commands.clean.error.nothing_read", folder=raw))
    from werkplaats_data.demo import DEMO_MARKER

    folder = raw if raw.is_dir() else raw.parent
    quarantine_dir = args.quarantine or folder / pipeline.QUARANTINE_DIR
    demo = (folder / DEMO_MARKER).exists()
    try:
        report = pipeline.write_outputs(result, args.out, quarantine_dir, demo=demo)
    except OSError as err:
        raise UserError(message("commands.clean.error.cannot_write", path=err.filename or args.out,
                                reason=err.strerror)) from None
    print(report)
    print(f"{message('commands.clean.release')}: {args.out}")
    return 1 if result.skipped else 0
