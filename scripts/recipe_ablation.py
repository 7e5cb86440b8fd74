"""Measure each step from the DCGAN paper's recipe to the package's, at equal steps and at equal time.

Run from the repository root (about an hour on two CPU cores with the defaults)::

    python scripts/recipe_ablation.py

The steps are ``dcgan_keras.recipe.PAPER_TO_PACKAGE``: the paper's recipe, then smaller networks, a
faster Adam, the R1 penalty, the moving average of G and the learning-rate cooldown, each added to
the one before. Every step is trained from ``--seeds`` seeds in two comparisons:

- **equal steps**: every run trains ``--steps`` steps; the FID is measured every ``--measure-every``
  steps and at the end;
- **equal time**: every run trains as many steps as its recipe completes in ``--seconds`` seconds
  on this machine, from a throughput pass run first in the same process (the median of three
  timed windows after a warm-up). Step budgets, not a wall clock, keep the comparison fair when
  something else shares the machine; each run's own training seconds are recorded beside them.

Within both comparisons every run trains in float32, without XLA, six steps per call of the compiled
step (``--steps-per-execution``), on the embedded 5,000 digits, and is scored the same way (FID and
digit coverage of 1,000 samples from fixed noise, from the averaged generator where there is one).
Only the step's named change differs between neighbouring rows. The cooldown acts over the last 40%
of each run, whatever its length.

The record, with the command, the machine, the versions and the date, goes to ``--out`` (default
``dcgan_keras/assets/recipe_ablation.json``, which notebook 06 plots), rewritten atomically after
every run; ``--resume`` keeps the runs already there and does the rest.
"""

import argparse
import datetime
import os
import pathlib
import platform
import statistics
import sys
import time

import keras
import numpy as np
import tensorflow as tf

import dcgan_keras  # noqa: F401  (picks the TensorFlow backend and registers the Keras classes)
from dcgan_keras import callbacks, recipe
from dcgan_keras.data import load_mnist, make_dataset
from dcgan_keras.internal import acceleration
from dcgan_keras.internal.files import write_json
from dcgan_keras.metrics import quality_report

DEFAULT_OUT = pathlib.Path(dcgan_keras.__file__).parent / "assets" / "recipe_ablation.json"
COMMON = {"precision": "float32", "xla": False}  # the same arithmetic and compilation for every run


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=900, help="steps of every equal-steps run")
    parser.add_argument("--seconds", type=float, default=45.0, help="training time of every equal-time run")
    parser.add_argument("--paper-width", type=int, default=32,
                        help="width of both networks in the paper's step (the paper: 64; notebook 06 trains 32 on a "
                             "CPU, where 64 costs about three times as much a step)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--measure-every", type=int, default=300, help="steps between two FID measurements")
    parser.add_argument("--steps-per-execution", type=int, default=6)
    parser.add_argument("--comparisons", nargs="+", choices=("equal steps", "equal time"),
                        default=["equal steps", "equal time"])
    parser.add_argument("--limit", type=int, default=None, help="train on this many digits (for a quick trial)")
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    parser.add_argument("--resume", action="store_true", help="keep the runs already in --out")
    args = parser.parse_args(argv)
    if args.steps % args.measure_every or args.measure_every % args.steps_per_execution:
        parser.error("--steps must be a multiple of --measure-every, and that a multiple of --steps-per-execution")
    return args


def step_config(index, args, steps):
    width = {"g_filters": args.paper_width, "d_filters": args.paper_width} if index == 0 else {}
    return recipe.recipe_step(index, steps=steps, steps_per_execution=args.steps_per_execution, **COMMON, **width)


class Scores(keras.callbacks.Callback):
    """The FID and digit coverage of 1,000 samples from fixed noise at the end of every epoch."""

    def __init__(self, steps_per_epoch):
        super().__init__()
        self.steps_per_epoch, self.curve = steps_per_epoch, {"steps": [], "fid": [], "classes_covered": []}
        self.report, self.train_seconds, self._started = None, 0.0, None

    def on_epoch_begin(self, epoch, logs=None):
        self._started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.train_seconds += time.perf_counter() - self._started
        self.report = quality_report(self.model.generate(1000, seed=777))
        self.curve["steps"].append((epoch + 1) * self.steps_per_epoch)
        self.curve["fid"].append(round(float(self.report["fid"]), 3))
        self.curve["classes_covered"].append(int(self.report["classes_covered"]))


def train(config, images, seed, steps_per_epoch, epochs):
    """Train one run; return its row of the record."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    gan = recipe.make_gan(config, seed=seed)
    scores = Scores(steps_per_epoch)
    cbs = [callbacks.StopOnNonFiniteLoss()]
    if config["cooldown"]:
        cbs.append(callbacks.LearningRateCooldown(start=1.0 - config["cooldown"], final=config["cooldown_final"]))
    dataset = make_dataset(images, config["batch_size"], seed=seed, drop_remainder=True).repeat()
    gan.fit(dataset, steps_per_epoch=steps_per_epoch, epochs=epochs, verbose=0, callbacks=[*cbs, scores])
    report = scores.report
    # train_seconds: the run's time in fit, tracing of the step included, scoring excluded.
    return {"seed": seed, "steps": steps_per_epoch * epochs, "train_seconds": round(scores.train_seconds, 1),
            "fid": round(float(report["fid"]), 3), "classes_covered": int(report["classes_covered"]),
            "min_class_fraction": round(float(report["min_class_fraction"]), 4), "curve": scores.curve}


def throughput(configs, images, spe, rounds=5, calls=10):
    """Training steps per second of each config's step on this machine: the median of ``rounds`` timed
    windows, taken in turn (one window of every config per round), so that a change in the machine's
    load during the pass touches every config alike."""
    keras.backend.clear_session()
    runs = []
    for config in configs:
        keras.utils.set_random_seed(0)
        gan = recipe.make_gan(config, seed=0)
        gan.make_train_function()
        iterator = iter(make_dataset(images, config["batch_size"], seed=0, drop_remainder=True).repeat())
        for _ in range(2):  # trace and warm up
            float(gan.train_function(iterator)["d_loss"])
        runs.append((gan, iterator))
    rates = [[] for _ in configs]
    for _ in range(rounds):
        for (gan, iterator), found in zip(runs, rates, strict=True):
            started = time.perf_counter()
            for _ in range(calls):
                logs = gan.train_function(iterator)
            float(logs["d_loss"])
            found.append(calls * spe / (time.perf_counter() - started))
    return [statistics.median(found) for found in rates]


def main(argv=None):
    args = parse_args(argv)
    tf.get_logger().setLevel("ERROR")  # every run builds a new model, so a new step to trace: no warning for it
    images = load_mnist("embedded")[0]
    if args.limit:
        images = images[np.random.default_rng(0).permutation(len(images))[:args.limit]]
    names = ["the paper"] + [name for name, _ in recipe.PAPER_TO_PACKAGE]
    machine = acceleration.describe_machine()
    machine["load_average_at_start"] = machine.pop("load_average")
    record = {
        "command": "python scripts/recipe_ablation.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "date": datetime.date.today().isoformat(),
        "machine": machine,
        "versions": {"python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__,
                     "numpy": np.__version__, "dcgan_keras": dcgan_keras.__version__},
        "settings": {"steps": args.steps, "seconds": args.seconds, "paper_width": args.paper_width, "seeds": args.seeds, "data": "embedded",
                     "digits": len(images), "measure_every": args.measure_every,
                     "steps_per_execution": args.steps_per_execution, "fid_samples": 1000, **COMMON},
        "recipe_steps": [{"name": name, "changes": {k: [recipe.PAPER_SETTINGS[k], recipe.TRAINING_DEFAULTS[k]]
                                                    for k in keys}} for name, keys in recipe.PAPER_TO_PACKAGE],
        "throughput_steps_per_second": {},
        "runs": [],
    }
    if args.resume and args.out.exists():
        import json

        old = json.loads(args.out.read_text())
        if old.get("settings") != record["settings"]:
            sys.exit(f"{args.out} was made with other settings; run without --resume to start afresh")
        record["runs"], record["throughput_steps_per_second"] = old["runs"], old["throughput_steps_per_second"]
    done = {(r["comparison"], r["step"], r["seed"]) for r in record["runs"]}
    spe = args.steps_per_execution

    def run_all(comparison, steps_of):
        for seed in args.seeds:  # seed by seed, so a cut-short record still compares every step
            for index, name in enumerate(names):
                if (comparison, name, seed) in done:
                    continue
                steps, steps_per_epoch = steps_of(name)
                row = train(step_config(index, args, steps), images, seed, steps_per_epoch, steps // steps_per_epoch)
                record["runs"].append({"comparison": comparison, "step": name, **row})
                write_json(args.out, record)
                print(f"{comparison:<12} {name:<24} seed {seed}: {row['steps']:>5} steps in "
                      f"{row['train_seconds']:6.1f} s, FID {row['fid']:7.2f}, {row['classes_covered']}/10 digits",
                      flush=True)

    if "equal steps" in args.comparisons:
        run_all("equal steps", lambda name: (args.steps, args.measure_every))
    if "equal time" in args.comparisons:
        rates = record["throughput_steps_per_second"]
        if sorted(rates) != sorted(names):
            measured = throughput([step_config(i, args, args.steps) for i in range(len(names))], images, spe)
            rates.update({name: round(rate, 2) for name, rate in zip(names, measured, strict=True)})
            record["machine"]["load_average_after_throughput"] = [round(v, 2) for v in os.getloadavg()]
            write_json(args.out, record)
        for name in names:
            print(f"throughput {name:<24} {rates[name]:6.2f} steps/s", flush=True)

        def budget(name):
            steps = max(spe, int(round(args.seconds * rates[name] / spe)) * spe)
            return steps, steps  # one epoch: scored at the end

        run_all("equal time", budget)
    record["machine"]["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    write_json(args.out, record)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
