"""``werkplaats demo --out DIR``: write the synthetic demo registers (messy, as volunteers keep them)."""

from pathlib import Path

from werkplaats_data.errors import message


def register(sub) -> None:
    p = sub.add_parser("demo", help="write synthetic demo registers (voorbeelddata)")
    p.add_argument("--out", type=Path, required=True, help="folder for the registers")
    p.add_argument("--seed", type=int, default=2021, help="random seed (same seed, same registers)")
    p.set_defaults(func=run)


def run(args) -> int:
    from werkplaats_data.demo import write_demo_registers

    written = write_demo_registers(args.out, seed=args.seed)
    print(message("commands.demo.written", count=len(written), folder=args.out))
    return 0
