"""Command line: ``python -m embedlib.course release|grade ...``."""
from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m embedlib.course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    rel = sub.add_parser("release", help="write notebooks/ (student versions) from solutions/")
    rel.add_argument("--root", default=".", help="the course folder (default: .)")
    rel.add_argument("--check", action="store_true", help="write nothing; exit 1 if notebooks/ would change")

    gr = sub.add_parser("grade", help="grade submitted notebooks into a CSV gradebook")
    gr.add_argument("files", nargs="+", help="submitted .ipynb files")
    gr.add_argument("--out", default="gradebook.csv", help="CSV to write (default: gradebook.csv)")
    gr.add_argument("--timeout", type=float, default=300, help="seconds allowed per notebook run (default: 300)")

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

    from .grade import grade_files, write_gradebook

    subs = grade_files(args.files, timeout=args.timeout)
    folder = write_gradebook(subs, args.out)
    graded = sum(s.status == "graded" for s in subs)
    print(f"Graded {graded} of {len(subs)} submissions -> {args.out} (feedback in {folder}/)")
    for s in subs:
        note = f"  [{s.status}: {s.reason}]" if s.reason else ""
        print(f"  {s.file}: {s.total:g}/{s.max_points:g}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
