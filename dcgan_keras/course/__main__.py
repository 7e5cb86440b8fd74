"""``python -m dcgan_keras.course``: tools for instructors.

    python -m dcgan_keras.course student OUT/ [--from NOTEBOOKS/]

``student`` writes the student edition of every notebook (no solutions, no outputs) into ``OUT/``.
"""

import argparse
import sys

from dcgan_keras.course.editions import default_notebooks_dir, write_student_editions


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m dcgan_keras.course", description="Tools for instructors.")
    commands = parser.add_subparsers(dest="command", required=True)
    student = commands.add_parser("student", help="write the student editions: the notebooks without "
                                                  "their solution cells and outputs")
    student.add_argument("out", help="folder to write them to (not the notebooks folder itself)")
    student.add_argument("--from", dest="notebooks", default=None,
                         help=f"folder of the full notebooks (default: {default_notebooks_dir()})")
    args = parser.parse_args(argv)

    try:
        written = write_student_editions(args.out, args.notebooks)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    print(f"wrote {len(written)} student edition(s) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
