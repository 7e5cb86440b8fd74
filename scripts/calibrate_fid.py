"""Calibrate ``dcgan_keras.metrics.fid_mnist``: what do real, blurred, collapsed and noisy digits score?

Run from the repository root (a few minutes on two CPU cores)::

    python scripts/calibrate_fid.py

Every set holds 1,000 images built by ``dcgan_keras.metrics.calibration_sets`` from the
embedded digits, which are MNIST training digits (the reference statistics come from MNIST's
10,000 test digits, so no set shares a digit with the reference): real digits (the floor),
the same digits blurred with Gaussians of sigma 0.5, 0.75, 1.0 and 1.5 pixels, digits of five
classes only, one digit repeated (mode collapse) and uniform noise; plus the real digits at
500 and 250 images, to show how the estimate grows as the sample shrinks. It prints the table
(also as Markdown, for docs/quality.md), writes it to ``dcgan_keras/assets/fid_calibration.json``
(atomically) for notebook 06 and the README, and prints how far other seeds (``--seeds``,
5 by default) move each row. It exits with an error if, for any seed, the expected ordering
floor < sigma 0.5 < 0.75 < 1.0 < 1.5 < collapsed and floor < {five classes, noise} fails.
"""

import argparse
import json
import os
import sys
import tempfile

import dcgan_keras  # noqa: F401  (sets the Keras backend before keras is imported)
from dcgan_keras.metrics import CALIBRATION_PATH, FID_SAMPLE_SIZE, calibration_sets, quality_report

LABELS = {
    "real": "real training digits (the floor)",
    "blur_0.5": "real digits blurred, sigma 0.5 px",
    "blur_0.75": "real digits blurred, sigma 0.75 px",
    "blur_1": "real digits blurred, sigma 1.0 px",
    "blur_1.5": "real digits blurred, sigma 1.5 px",
    "five_classes": "real digits of five classes only",
    "collapsed": "one digit repeated (mode collapse)",
    "noise": "uniform noise",
    "real_500": "real training digits, 500 images",
    "real_250": "real training digits, 250 images",
}


def calibration_table(seed=0):
    """One row a set: name, description, number of images, FID, IS, classes covered, class counts."""
    sets = calibration_sets(n=FID_SAMPLE_SIZE, seed=seed)
    sets["real_500"] = sets["real"][:500]
    sets["real_250"] = sets["real"][:250]
    rows = []
    for name, images in sets.items():
        report = quality_report(images)
        rows.append({"name": name, "description": LABELS[name], "n_images": len(images),
                     "fid": round(report["fid"], 2), "inception_score": round(report["inception_score"], 3),
                     "classes_covered": report["classes_covered"], "class_counts": report["class_counts"]})
    return rows


def check_ordering(rows):
    """The orderings a sound FID must show; returns the list of violated ones."""
    fid = {row["name"]: row["fid"] for row in rows}
    chain = ["real", "blur_0.5", "blur_0.75", "blur_1", "blur_1.5", "collapsed"]
    failures = [f"{a} < {b}" for a, b in zip(chain, chain[1:], strict=False) if not fid[a] < fid[b]]
    failures += [f"real < {b}" for b in ("five_classes", "noise") if not fid["real"] < fid[b]]
    return failures


def markdown_table(rows):
    """The table as Markdown, one row a set."""
    lines = ["| set | images | FID | IS | classes covered |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {row['description']} | {row['n_images']:,} | {row['fid']:.2f} | {row['inception_score']:.2f} | "
              f"{row['classes_covered']} |" for row in rows]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Calibrate the FID of dcgan_keras.metrics.")
    parser.add_argument("--seeds", type=int, default=5, help="seeds to check the ordering with (the table is seed 0)")
    seeds = parser.parse_args(argv).seeds
    rows = calibration_table()
    print(markdown_table(rows) + "\n")
    print(f"{'set':<38} {'n':>5} {'FID':>8} {'IS':>6} {'classes':>8}")
    for row in rows:
        print(f"{row['description']:<38} {row['n_images']:>5} {row['fid']:>8.2f} "
              f"{row['inception_score']:>6.2f} {row['classes_covered']:>8}")
    failures = check_ordering(rows)
    payload = {"note": "FID of each set (uint8 images, MNIST training digits) against MNIST's 10,000 test digits "
                       "in the features of dcgan_keras/assets/mnist_classifier.weights.npz; made by scripts/calibrate_fid.py",
               "rows": rows}
    fd, tmp = tempfile.mkstemp(dir=CALIBRATION_PATH.parent, prefix=".fid_calibration-", suffix=".json")
    with os.fdopen(fd, "w") as f:  # one row a line: short to read and to diff
        f.write(json.dumps(payload["note"]).join(['{"note": ', ',\n "rows": [\n  ']))
        f.write(",\n  ".join(json.dumps(row) for row in payload["rows"]) + "\n ]\n}\n")
    os.chmod(tmp, 0o644)  # mkstemp makes files private to the owner
    os.replace(tmp, CALIBRATION_PATH)
    print(f"wrote {CALIBRATION_PATH}")
    others = [calibration_table(seed) for seed in range(1, seeds)]
    print(f"seeds 0-{seeds - 1}, smallest and largest FID of each set:")
    for i, row in enumerate(rows):
        values = [row["fid"]] + [table[i]["fid"] for table in others]
        print(f"  {row['description']:<38} {min(values):>8.2f} {max(values):>8.2f}")
    failures += [f"seed {seed}: {f}" for seed, table in enumerate(others, 1) for f in check_ordering(table)]
    if failures:
        sys.exit("expected ordering violated: " + ", ".join(failures))
    print(f"ordering holds for seeds 0-{seeds - 1}: floor < sigma 0.5 < 0.75 < 1.0 < 1.5 < collapsed; "
          "floor < five classes, noise")


if __name__ == "__main__":
    main()
