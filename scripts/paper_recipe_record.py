"""Train the DCGAN paper's recipe for longer than notebook 06 can, from several seeds, and record its curve.

Run from the repository root (about 40 minutes on two CPU cores with the defaults)::

    python scripts/paper_recipe_record.py

Notebook 06 trains the paper's recipe live for three minutes, at the width a CPU can afford
(``--width``, 16: the notebook's choice without a GPU). This script trains the same run, the same
networks, recipe (Adam 2e-4, beta_1 0.5, batches of 128, no R1, no moving average, no cooldown),
float32 arithmetic and XLA compilation, for ``--steps`` steps from each of ``--seeds``, and scores
it every ``--measure-every`` steps the way the notebook does: FID and digits covered (at least 5% of
the samples) of 1,000 samples from the same fixed noise, with the count of every digit.

The record, with the command, the machine, the versions and the date, goes to ``--out`` (default
``dcgan_keras/assets/paper_recipe_record.json``, which notebook 06 plots beside its live run),
rewritten atomically after every seed; beside it, each seed's last 64 samples from the fixed noise
as a PNG grid (``<out stem>_seed<seed>.png``). ``--resume`` keeps the seeds already there.
"""

import argparse
import datetime
import json
import os
import pathlib
import platform
import sys
import time

import keras
import numpy as np
import tensorflow as tf

import dcgan_keras  # noqa: F401  (picks the TensorFlow backend and registers the Keras classes)
from dcgan_keras import recipe
from dcgan_keras.data import load_mnist, make_dataset
from dcgan_keras.images import image_grid, save_png, to_uint8
from dcgan_keras.internal import acceleration
from dcgan_keras.internal.files import write_json
from dcgan_keras.metrics import quality_report

DEFAULT_OUT = pathlib.Path(dcgan_keras.__file__).parent / "assets" / "paper_recipe_record.json"
SAMPLES, NOISE_SEED = 1000, 777  # as notebook 06's QualityClock scores its runs


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--width", type=int, default=16, help="width of both networks (the paper: 64)")
    parser.add_argument("--steps", type=int, default=12000, help="steps of every run")
    parser.add_argument("--measure-every", type=int, default=500, help="steps between two measurements")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--steps-per-execution", type=int, default=4)
    parser.add_argument("--limit", type=int, default=None, help="train on this many digits (for a quick trial)")
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    parser.add_argument("--resume", action="store_true", help="keep the seeds already in --out")
    args = parser.parse_args(argv)
    if args.steps % args.measure_every or args.measure_every % args.steps_per_execution:
        parser.error("--steps must be a multiple of --measure-every, and that a multiple of --steps-per-execution")
    return args


def paper_config(args):
    """The paper's recipe at ``args.width``, in float32 and compiled with XLA, as notebook 06 trains it."""
    return recipe.recipe_step(0, g_filters=args.width, d_filters=args.width, steps=args.steps, precision="float32",
                              xla=True, steps_per_execution=args.steps_per_execution)


class Curve(keras.callbacks.Callback):
    """FID, digits covered and the count of each digit, at the end of every epoch (of ``measure_every`` steps)."""

    def __init__(self, steps_per_epoch):
        super().__init__()
        self.steps_per_epoch, self.train_seconds, self._started = steps_per_epoch, 0.0, None
        self.points = {"steps": [], "train_seconds": [], "fid": [], "classes_covered": [], "class_counts": []}

    def on_epoch_begin(self, epoch, logs=None):
        self._started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.train_seconds += time.perf_counter() - self._started
        report = quality_report(self.model.generate(SAMPLES, seed=NOISE_SEED))
        for key, value in (("steps", (epoch + 1) * self.steps_per_epoch),
                           ("train_seconds", round(self.train_seconds, 1)), ("fid", round(float(report["fid"]), 3)),
                           ("classes_covered", int(report["classes_covered"])),
                           ("class_counts", [int(c) for c in report["class_counts"]])):
            self.points[key].append(value)


def train(config, images, seed, measure_every, grid_path):
    """One seed's run; its row of the record. Its last samples go to ``grid_path``."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    gan = recipe.make_gan(config, seed=seed)
    curve = Curve(measure_every)
    dataset = make_dataset(images, config["batch_size"], seed=seed, drop_remainder=True).repeat()
    gan.fit(dataset, steps_per_epoch=measure_every, epochs=config["steps"] // measure_every, verbose=0,
            callbacks=[curve])
    save_png(image_grid(to_uint8(gan.generate(64, seed=NOISE_SEED)), ncols=8), grid_path)
    return {"seed": seed, "samples": grid_path.name, **curve.points}


def main(argv=None):
    args = parse_args(argv)
    tf.get_logger().setLevel("ERROR")  # every seed builds a new model, so a new step to trace: no warning for it
    images = load_mnist("embedded")[0]
    if args.limit:
        images = images[np.random.default_rng(0).permutation(len(images))[:args.limit]]
    config = paper_config(args)
    machine = acceleration.describe_machine()
    machine["load_average_at_start"] = machine.pop("load_average")
    record = {
        "command": "python scripts/paper_recipe_record.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "date": datetime.date.today().isoformat(),
        "machine": machine,
        "versions": {"python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__,
                     "numpy": np.__version__, "dcgan_keras": dcgan_keras.__version__},
        "settings": {"seeds": args.seeds, "data": "embedded", "digits": len(images),
                     "measure_every": args.measure_every, "fid_samples": SAMPLES, "noise_seed": NOISE_SEED,
                     **{key: config[key] for key in (*recipe.PAPER_SETTINGS, "steps", "precision", "xla",
                                                     "steps_per_execution")}},
        "runs": [],
    }
    if args.resume and args.out.exists():
        old = json.loads(args.out.read_text())
        if old.get("settings") != record["settings"]:
            sys.exit(f"{args.out} was made with other settings; run without --resume to start afresh")
        record["runs"] = old["runs"]
    done = {run["seed"] for run in record["runs"]}
    for seed in args.seeds:
        if seed in done:
            continue
        run = train(config, images, seed, args.measure_every, args.out.with_name(f"{args.out.stem}_seed{seed}.png"))
        record["runs"].append(run)
        write_json(args.out, record)
        print(f"seed {seed}: {run['steps'][-1]} steps in {run['train_seconds'][-1]:.0f} s, FID {run['fid'][-1]:.2f}, "
              f"{run['classes_covered'][-1]}/10 digits", flush=True)
    record["machine"]["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    write_json(args.out, record)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
