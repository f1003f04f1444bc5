"""Command line: ``python -m embedlib.course release|grade ...``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m embedlib.course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    rel = sub.add_parser("release", help="write notebooks/ (student versions) from solutions/")
    rel.add_argument("--root", default=".", help="the course folder (default: .)")
    rel.add_argument("--check", action="store_true", help="write nothing; exit 1 if notebooks/ would change")

    gr = sub.add_parser("grade", help="grade submitted notebooks into a CSV gradebook",
                        description="Grade submissions, each in a fresh kernel, into a CSV gradebook "
                                    "with a feedback file per submission. Rows are written as they finish.")
    gr.add_argument("files", nargs="+", help="submitted .ipynb files")
    gr.add_argument("--out", default="gradebook.csv", help="CSV to write (default: gradebook.csv)")
    gr.add_argument("--jobs", type=_positive_int, default=None,
                    help="submissions graded at once on this machine (default: the number of cores)")
    gr.add_argument("--scheduler", metavar="ADDRESS",
                    help="grade on a Dask cluster instead, e.g. tcp://10.0.0.5:8786 (needs embedlib[grading])")
    gr.add_argument("--resume", action="store_true",
                    help="keep the rows already in --out (or its journal) and grade only new or changed submissions")
    gr.add_argument("--regrade", action="append", default=[], metavar="STUDENT_OR_FILE",
                    help="with --resume: grade this student's (or file's) submissions again even if unchanged")
    gr.add_argument("--timeout", type=float, default=300, help="seconds allowed per notebook run (default: 300)")
    gr.add_argument("--check-timeout", type=float, default=60, help="seconds allowed per exercise check (default: 60)")
    gr.add_argument("--memory-limit", default="4GB", help="memory per kernel, e.g. 2GB, or 'none' (default: 4GB)")
    gr.add_argument("--output-limit", default="10MB", help="output one cell may print, or 'none' (default: 10MB)")
    gr.add_argument("--no-network", action="store_true", help="run each kernel without network access (Linux, unshare)")
    gr.add_argument("--root", help="the submissions folder the file column is relative to (default: the common folder)")
    gr.add_argument("--student-pattern", metavar="REGEX",
                    help="regular expression on the relative path; its group 'student' (or first group) is the student "
                         "(default: the first folder, or the file name without .ipynb)")
    gr.add_argument("--roster", help="CSV with a 'student' column (and optionally 'id', matched by --student-pattern)")
    gr.add_argument("--by-student", action="store_true",
                    help="also write <out>_by_student.csv: one row per student, one column per notebook")
    gr.add_argument("--quiet", action="store_true", help="no progress bar")

    args = parser.parse_args(argv)
    if args.command == "release":
        from .release import ReleaseError, release

        try:
            report = release(args.root, check=args.check)
        except ReleaseError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        if args.check:
            if report:
                print("notebooks/ is out of date with solutions/ (or shows solution code) — run "
                      "`python -m embedlib.course release`:")
                print("\n".join(f"  {line}" for line in report))
                return 1
            print("notebooks/ matches solutions/.")
            return 0
        print("\n".join(report) if report else "notebooks/ already up to date.")
        return 0

    return _grade(args)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _grade(args) -> int:
    from .grade import GradeError, grade_class
    from .limits import Limits, parse_size
    from .students import Roster, StudentError, compile_pattern

    try:
        sizes = {name: None if text.strip().lower() == "none" else parse_size(text)
                 for name, text in (("memory", args.memory_limit), ("output", args.output_limit))}
        limits = Limits(timeout=args.timeout, check_timeout=args.check_timeout, no_network=args.no_network, **sizes)
        pattern = compile_pattern(args.student_pattern) if args.student_pattern else None
        roster = Roster(args.roster) if args.roster else None
        batch = grade_class(args.files, args.out, limits=limits, jobs=args.jobs, scheduler=args.scheduler,
                            resume=args.resume, root=args.root, student_pattern=pattern, roster=roster,
                            regrade=args.regrade, by_student_view=args.by_student, progress=not args.quiet)
    except (GradeError, StudentError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    errors = [r for r in batch.rows if r["status"] != "graded"]
    out = Path(args.out)
    print(f"Graded {batch.graded} submission(s), kept {batch.skipped} already graded -> {out} "
          f"(feedback in {out.with_name(out.stem + '_feedback')}/); {len(errors)} could not be graded")
    for row in errors[:20]:
        print(f"  {row['file']}: {row['reason']}")
    if len(errors) > 20:
        print(f"  ... and {len(errors) - 20} more: see the reason column")
    for warning in batch.warnings[:20]:
        print(f"warning: {warning}", file=sys.stderr)
    if batch.interrupted:
        print("Interrupted: run the same command with --resume to grade the rest.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
