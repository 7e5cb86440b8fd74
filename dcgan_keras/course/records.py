"""Records of measurements too long for a notebook to run live, read and summarised for notebook 06.

``recipe_ablation.json`` (in ``dcgan_keras/assets``, made by ``scripts/recipe_ablation.py``) holds
each step from the DCGAN paper's recipe to the package's, trained from several seeds at equal steps
and at equal time. :func:`ablation_summary` turns it into one row per step and comparison, and
:func:`ablation_statements` into the sentences notebook 06 prints; ``tests/test_records.py``
recomputes both from the raw runs.
"""

import json
import pathlib
import statistics

__all__ = ["ABLATION_PATH", "load_ablation", "ablation_summary", "ablation_statements", "describe_record"]

ABLATION_PATH = pathlib.Path(__file__).resolve().parent.parent / "assets" / "recipe_ablation.json"
COMPARISONS = ("equal steps", "equal time")


def load_ablation(path=None):
    """The ablation record as a dict (see ``scripts/recipe_ablation.py`` for its fields)."""
    path = pathlib.Path(path or ABLATION_PATH)
    if not path.exists():
        raise FileNotFoundError(f"no record at {path}; make it with python scripts/recipe_ablation.py")
    return json.loads(path.read_text())


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
