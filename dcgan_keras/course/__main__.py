"""``python -m dcgan_keras.course``: tools for instructors.

    python -m dcgan_keras.course student OUT/ [--nbgrader] [--from NOTEBOOKS/]

``student`` writes the student edition of every notebook (no solutions, no outputs, links to the
student editions) into ``OUT/``; with ``--nbgrader``, editions that nbgrader grades. See
``docs/instructors.md``.
"""

import argparse
import sys

from dcgan_keras.course import colab
from dcgan_keras.course.editions import default_notebooks_dir, write_student_editions


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m dcgan_keras.course", description="Tools for instructors (see docs/instructors.md).")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    student = commands.add_parser(
        "student", help="write the student editions: the notebooks without their solutions and outputs",
        description="Write the student edition of every notebook: no solution cells, no outputs, and a Colab "
                    f"badge that opens the student edition in {colab.STUDENT_FOLDER}/ at "
                    f"{colab.REPOSITORY}@{colab.STUDENT_REF} (set in dcgan_keras/course/colab.py; "
                    "scripts/set_repository.py changes it). Publish the editions there.")
    student.add_argument("out", help="folder to write them to (not the notebooks folder itself)")
    student.add_argument("--nbgrader", action="store_true",
                         help="write nbgrader source notebooks: each exercise's check in a graded, locked cell "
                              "that fails when the answer is missing or wrong (for nbgrader generate_assignment "
                              "and autograde)")
    student.add_argument("--from", dest="notebooks", default=None,
                         help=f"folder of the full notebooks (default: {default_notebooks_dir()})")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        written = write_student_editions(args.out, args.notebooks, nbgrader=args.nbgrader)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    kind = "nbgrader source notebook(s)" if args.nbgrader else "student edition(s)"
    print(f"wrote {len(written)} {kind} to {args.out}; their badges open {colab.STUDENT_FOLDER}/ at "
          f"{colab.REPOSITORY}@{colab.STUDENT_REF}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
