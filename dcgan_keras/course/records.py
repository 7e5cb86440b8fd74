"""Records of measurements too long for a notebook to run live, read and summarised for notebook 06.

Two records live in ``dcgan_keras/assets``:

- ``paper_recipe_record.json`` (made by ``scripts/paper_recipe_record.py``): the paper's recipe at
  the width notebook 06 trains on a CPU, run from several seeds for four times as many steps as the
  notebook's three minutes give; :func:`paper_record_statements` says when each seed draws all ten
  digits.
- ``recipe_ablation.json`` (made by ``scripts/recipe_ablation.py``): each step from the DCGAN paper's
  recipe to the package's, trained from several seeds at equal steps and at equal time;
  :func:`ablation_summary` turns it into one row per step and comparison, and
  :func:`ablation_statements` into the sentences notebook 06 prints.

``tests/test_records.py`` recomputes every statement from the raw runs.
"""

import json
import pathlib
import statistics

__all__ = ["ABLATION_PATH", "PAPER_PATH", "load_ablation", "load_paper_record", "ablation_summary",
           "ablation_statements", "paper_record_statements", "describe_record"]

ASSETS = pathlib.Path(__file__).resolve().parent.parent / "assets"
ABLATION_PATH = ASSETS / "recipe_ablation.json"
PAPER_PATH = ASSETS / "paper_recipe_record.json"
COMPARISONS = ("equal steps", "equal time")


def _load(path, script):
    path = pathlib.Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no record at {path}; make it with python scripts/{script}")
    return json.loads(path.read_text())


def load_ablation(path=None):
    """The ablation record as a dict (see ``scripts/recipe_ablation.py`` for its fields)."""
    return _load(path or ABLATION_PATH, "recipe_ablation.py")


def load_paper_record(path=None):
    """The paper's recipe's long runs as a dict (see ``scripts/paper_recipe_record.py`` for its fields).

    Each run's ``samples`` names a PNG grid of its last samples in the same folder; ``record["folder"]``
    is set to that folder.
    """
    path = pathlib.Path(path or PAPER_PATH)
    record = _load(path, "paper_recipe_record.py")
    record["folder"] = str(path.parent)
    return record


def _draws(run, i, line):
    """Whether measurement ``i`` of ``run`` draws all ten digits at or under the FID ``line``."""
    return run["classes_covered"][i] == 10 and run["fid"][i] <= line


def _settled_from(run, line):
    """The step from which every measurement of ``run`` draws all ten digits under ``line`` (None if its last does not)."""
    i = len(run["steps"])
    while i > 0 and _draws(run, i - 1, line):
        i -= 1
    return run["steps"][i] if i < len(run["steps"]) else None


def paper_record_statements(record, line, label="the line"):
    """The sentences notebook 06 prints about the paper's recipe's long runs: for each seed, the first
    measurement that draws all ten digits at or under the FID ``line`` (named ``label``), how many do,
    and where the run ends; then the step from which every later measurement of every seed does, if any."""
    lines = []
    runs = sorted(record["runs"], key=lambda r: r["seed"])
    for run in runs:
        hits = [step for i, step in enumerate(run["steps"]) if _draws(run, i, line)]
        lines.append(f"seed {run['seed']}: all ten digits at or under {label} "
                     f"{f'first at step {hits[0]:,}' if hits else 'never'}, in {len(hits)} of "
                     f"{len(run['steps'])} measurements; after {run['steps'][-1]:,} steps FID {run['fid'][-1]:.1f}, "
                     f"{run['classes_covered'][-1]}/10 digits")
    settled = [_settled_from(run, line) for run in runs]
    if None in settled:
        lines.append(f"no step after which every measurement of every seed draws all ten digits at or under {label}")
    else:
        lines.append(f"from step {max(settled):,} on, every measurement of every seed draws all ten digits at or "
                     f"under {label}")
    return lines


def _steps(record):
    return ["the paper"] + [step["name"] for step in record["recipe_steps"]]


def _runs(record, comparison, step):
    return sorted((r for r in record["runs"] if r["comparison"] == comparison and r["step"] == step),
                  key=lambda r: r["seed"])


def ablation_summary(record):
    """One dict per comparison and step: the mean, lowest and highest FID over the seeds, the mean steps,
    the seeds, and the fewest digits covered in any seed."""
    rows = []
    for comparison in COMPARISONS:
        for step in _steps(record):
            runs = _runs(record, comparison, step)
            if not runs:
                continue
            fids = [r["fid"] for r in runs]
            rows.append({"comparison": comparison, "step": step, "seeds": len(runs),
                         "steps": round(statistics.mean(r["steps"] for r in runs)),
                         "mean FID": statistics.mean(fids), "lowest": min(fids), "highest": max(fids),
                         "fewest digits": min(r["classes_covered"] for r in runs)})
    return rows


def _verdict(before, after):
    """Compare two steps seed by seed: lower in every seed, higher in every seed, or mixed."""
    pairs = [(b["fid"], a["fid"]) for b, a in zip(before, after, strict=True)]
    if all(a < b for b, a in pairs):
        return "lowers the FID in every seed"
    if all(a > b for b, a in pairs):
        return "raises the FID in every seed"
    lower = sum(a < b for b, a in pairs)
    return f"lowers it in {lower} of {len(pairs)} seeds: no clear effect"


def ablation_statements(record):
    """The sentences notebook 06 prints about each step: what it does to the FID, seed by seed, in each
    comparison (only seeds that ran both steps are compared)."""
    lines = []
    steps = _steps(record)
    for comparison in COMPARISONS:
        for previous, step in zip(steps[:-1], steps[1:], strict=True):
            before = {r["seed"]: r for r in _runs(record, comparison, previous)}
            after = {r["seed"]: r for r in _runs(record, comparison, step)}
            seeds = sorted(set(before) & set(after))
            if not seeds:
                continue
            old = statistics.mean(before[s]["fid"] for s in seeds)
            new = statistics.mean(after[s]["fid"] for s in seeds)
            verdict = _verdict([before[s] for s in seeds], [after[s] for s in seeds])
            lines.append(f"{comparison}, {step}: {verdict} (mean {old:.1f} -> {new:.1f} over {len(seeds)} seeds)")
    return lines


def describe_record(record):
    """Where a record comes from: its command, date, machine and versions, in two lines."""
    machine, versions = record["machine"], record["versions"]
    return (f"record made {record['date']} by `{record['command'].strip()}`\n"
            f"on {machine['cpu']} ({machine['cores']} cores, {machine['gpus']} GPUs), TensorFlow "
            f"{versions['tensorflow']}, Keras {versions['keras']}")
