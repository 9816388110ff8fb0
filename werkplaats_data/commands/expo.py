"""``werkplaats expo``: the exhibition dashboards in kiosk mode (Voila, offline)."""

from __future__ import annotations

from werkplaats_data import expo
from werkplaats_data.errors import message


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "expo",
        help="start the exhibition dashboards (kiosk mode, works offline)",
        description="Start the exhibition on this computer and print the address to open in a full-screen browser. "
        "With no --data it shows WERKPLAATS_DATA, or else the demo release (voorbeelddata); with no --stories, "
        "WERKPLAATS_STORIES, or else the demo stories on the demo release. Stop with Ctrl+C.",
    )
    parser.add_argument("--data", metavar="DIR", help="a release folder made by 'werkplaats clean'")
    parser.add_argument("--stories", metavar="DIR", help="a folder of stories with its consents.csv (only stories with "
                        "exhibition consent are shown)")
    parser.add_argument("--port", type=int, default=expo.KioskSettings.port, help="port on 127.0.0.1 (default %(default)s)")
    parser.add_argument("--dashboard", default="home", choices=sorted(expo.DASHBOARDS),
                        help="which dashboard to serve (default: home, with tiles for the others); "
                        "a single dashboard is then its own home")
    parser.set_defaults(func=run)


def run(args) -> int:
    settings = expo.KioskSettings(port=args.port)
    process = expo.start(args.dashboard, data=args.data, stories=getattr(args, "stories", None), plan=getattr(args, "plan", None),
                         settings=settings, log=None)
    try:
        expo.wait_until_ready(process, expo.address(settings))
        address = expo.address(settings)
        print(message("expo.running", address=address), flush=True)
        return process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
