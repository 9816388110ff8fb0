"""``werkplaats workplan``: a blank plan to fill in, a check of a plan, and the meeting dashboard."""

from __future__ import annotations

import shutil
from pathlib import Path

from werkplaats_data.errors import UserError, message


def register(subparsers) -> None:
    parser = subparsers.add_parser("workplan", help="the 2025 work plan: template, check, dashboard",
                                   description="Make a plan file to fill in, check a plan against the data, "
                                   "or open the work-plan dashboard for the working group's meeting.")
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    template = sub.add_parser("template", help="copy the example plan (.yaml or .xlsx) to fill in")
    template.add_argument("out", help="file to write: plan.yaml or plan.xlsx")
    template.set_defaults(func=run_template)
    check = sub.add_parser("check", help="list what to fix in a plan")
    check.add_argument("plan", help="the plan file (.yaml or .xlsx)")
    check.add_argument("--data", metavar="DIR", help="a release folder (default: WERKPLAATS_DATA or the demo release)")
    check.set_defaults(func=run_check)
    dashboard = sub.add_parser("dashboard", help="start the work-plan dashboard (kiosk settings, offline)")
    dashboard.add_argument("--data", metavar="DIR", help="a release folder (default: WERKPLAATS_DATA or the demo release)")
    dashboard.add_argument("--plan", metavar="FILE", help="the work plan (.yaml or .xlsx); default: the demo plan 2025")
    dashboard.add_argument("--port", type=int, default=8867, help="port on 127.0.0.1 (default %(default)s)")
    dashboard.set_defaults(func=run_dashboard)


def run_template(args) -> int:
    from werkplaats_data import workplan

    out = Path(args.out)
    if out.exists():
        raise UserError(message("workplan.error.exists", path=out))
    source = {".yaml": workplan.demo_plan_path(), ".yml": workplan.demo_plan_path(), ".xlsx": workplan.template_path()}
    if out.suffix.lower() not in source:
        raise UserError(message("workplan.error.template_type", name=out.name))
    shutil.copyfile(source[out.suffix.lower()], out)
    print(message("workplan.status.template_copied", path=out))
    return 0


def run_check(args) -> int:
    from werkplaats_data import workplan
    from werkplaats_data.release import load_release

    plan = workplan.check_activities(workplan.read_plan(args.plan), load_release(args.data).activities)
    problems = plan.problem_texts("nl")
    for dutch, english in zip(problems, plan.problem_texts("en")):
        print(f"- {dutch}\n  EN: {english}")
    print(message("workplan.status.to_fix", n=len(problems)) if problems else message("workplan.status.plan_fine"))
    return 1 if problems else 0


def run_dashboard(args) -> int:
    """The review dashboard, started like the exhibition (same kiosk settings), on its own port.

    ``--plan`` is checked first (a file that cannot be read stops here, with the reason) and reaches
    the notebook's ``plan_path`` through the kernel's environment (``expo.kiosk_environment(plan=)``).
    """
    from werkplaats_data import workplan
    from werkplaats_data.commands import expo

    args.dashboard = "werkplan_2025"
    if args.plan:
        workplan.read_plan(Path(args.plan).expanduser())
    return expo.run(args)
