"""The recipe-ablation record notebook 06 shows (dcgan_keras/course/records.py and the record itself):
its design holds, and every statement the notebook prints from it is recomputed here from the raw runs."""

import json
import pathlib

import nbformat
import numpy as np
import pytest

from dcgan_keras import recipe
from dcgan_keras.course import records

NOTEBOOK = pathlib.Path(__file__).resolve().parent.parent / "notebooks" / "06_dcgan_mnist.ipynb"
STEPS = ["the paper"] + [name for name, _ in recipe.PAPER_TO_PACKAGE]


@pytest.fixture(scope="module")
def record():
    return records.load_ablation()


def _fids(record, comparison, step):
    runs = sorted((r for r in record["runs"] if r["comparison"] == comparison and r["step"] == step),
                  key=lambda r: r["seed"])
    return {r["seed"]: r["fid"] for r in runs}


def test_the_record_says_where_it_comes_from(record):
    assert record["command"].startswith("python scripts/recipe_ablation.py")
    assert record["date"] and record["machine"]["cpu"] and record["machine"]["cores"] >= 1
    assert {"python", "tensorflow", "keras", "numpy"} <= set(record["versions"])


def test_every_step_has_three_seeds_or_more_in_both_comparisons(record):
    for comparison in ("equal steps", "equal time"):
        for step in STEPS:
            assert len(_fids(record, comparison, step)) >= 3, (comparison, step)


def test_runs_within_a_comparison_differ_only_in_the_named_change(record):
    settings = record["settings"]
    assert settings["precision"] == "float32" and settings["xla"] is False  # one arithmetic, one compilation
    spe = settings["steps_per_execution"]
    assert [step["name"] for step in record["recipe_steps"]] == STEPS[1:]
    for run in record["runs"]:
        if run["comparison"] == "equal steps":
            assert run["steps"] == settings["steps"]
        else:  # equal time: the steps each recipe ran in the same seconds, in whole calls of the step
            rate = record["throughput_steps_per_second"][run["step"]]
            assert run["steps"] % spe == 0 and abs(run["steps"] - settings["seconds"] * rate) <= spe


def _statements(record):
    """The notebook's sentences, recomputed from the raw runs with NumPy."""
    lines = []
    for comparison in ("equal steps", "equal time"):
        for previous, step in zip(STEPS[:-1], STEPS[1:], strict=True):
            before, after = _fids(record, comparison, previous), _fids(record, comparison, step)
            seeds = sorted(set(before) & set(after))
            if not seeds:
                continue
            b, a = np.array([before[s] for s in seeds]), np.array([after[s] for s in seeds])
            if np.all(a < b):
                verdict = "lowers the FID in every seed"
            elif np.all(a > b):
                verdict = "raises the FID in every seed"
            else:
                verdict = f"lowers it in {int(np.sum(a < b))} of {len(seeds)} seeds: no clear effect"
            lines.append(f"{comparison}, {step}: {verdict} (mean {b.mean():.1f} -> {a.mean():.1f} over "
                         f"{len(seeds)} seeds)")
    return lines


def test_the_statements_follow_from_the_runs(record):
    assert records.ablation_statements(record) == _statements(record)


def test_the_notebook_prints_exactly_these_statements(record):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cells = [c for c in nb.cells if "ablation-statements" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    printed = "".join(o.get("text", "") for o in cells[0].outputs if o.get("output_type") == "stream")
    assert printed.strip().splitlines()[-len(_statements(record)):] == _statements(record)


def test_the_summary_means_are_the_means_of_the_seeds(record):
    for row in records.ablation_summary(record):
        fids = list(_fids(record, row["comparison"], row["step"]).values())
        assert row["mean FID"] == pytest.approx(np.mean(fids)) and row["seeds"] == len(fids)
        assert (row["lowest"], row["highest"]) == (min(fids), max(fids))


def test_a_missing_record_says_how_to_make_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="scripts/recipe_ablation.py"):
        records.load_ablation(tmp_path / "none.json")


def test_a_mixed_step_is_called_mixed():
    record = {"recipe_steps": [{"name": "+ x", "changes": {}}], "runs": [
        {"comparison": "equal steps", "step": step, "seed": seed, "fid": fid, "steps": 10, "classes_covered": 10}
        for step, seed, fid in [("the paper", 0, 5.0), ("the paper", 1, 5.0), ("+ x", 0, 4.0), ("+ x", 1, 6.0)]]}
    assert records.ablation_statements(record) == [
        "equal steps, + x: lowers it in 1 of 2 seeds: no clear effect (mean 5.0 -> 5.0 over 2 seeds)"]
    assert json.dumps(records.ablation_summary(record))  # plain numbers, printable
