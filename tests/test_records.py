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


# --- the paper's recipe's long runs (scripts/paper_recipe_record.py) ------------------------------------

PAPER_LABEL = "the 1.5 px line"


@pytest.fixture(scope="module")
def paper_record():
    return records.load_paper_record()


def _line():
    from dcgan_keras.course import plotting

    return plotting.calibration_references(("1.5",))["real digits blurred 1.5 px"]


def test_the_paper_record_says_where_it_comes_from(paper_record):
    assert paper_record["command"].startswith("python scripts/paper_recipe_record.py")
    assert paper_record["date"] and paper_record["machine"]["cpu"] and paper_record["machine"]["cores"] >= 1
    assert {"python", "tensorflow", "keras", "numpy"} <= set(paper_record["versions"])


def test_the_paper_record_trains_the_notebooks_run_for_longer(paper_record):
    """The paper's recipe at the notebook's CPU width, in the notebook's arithmetic and compilation,
    from three seeds or more, each measured at the same steps to the end."""
    settings = paper_record["settings"]
    source = "".join(cell.source for cell in nbformat.read(NOTEBOOK, as_version=4).cells)
    assert f"WIDTH = 64 if GPU else {settings['g_filters']}" in source
    assert f"jit_compile=True, steps_per_execution={settings['steps_per_execution']})" in source
    assert settings["g_filters"] == settings["d_filters"]
    paper = {k: v for k, v in recipe.PAPER_SETTINGS.items() if k not in ("g_filters", "d_filters")}
    assert {k: settings[k] for k in paper} == paper
    assert settings["precision"] == "float32" and settings["xla"] is True and settings["fid_samples"] == 1000
    assert len(paper_record["runs"]) >= 3 and len({run["seed"] for run in paper_record["runs"]}) == len(paper_record["runs"])
    expected = list(range(settings["measure_every"], settings["steps"] + 1, settings["measure_every"]))
    for run in paper_record["runs"]:
        assert run["steps"] == expected, run["seed"]
        assert all(sum(counts) == 1000 for counts in run["class_counts"])
        assert (pathlib.Path(paper_record["folder"]) / run["samples"]).is_file()


def test_the_paper_record_counts_a_digit_drawn_at_five_percent(paper_record):
    for run in paper_record["runs"]:
        covered = [int(np.sum(np.array(counts) >= 50)) for counts in run["class_counts"]]
        assert covered == run["classes_covered"], run["seed"]


def _paper_statements(record, line):
    """The notebook's sentences about the record, recomputed from the raw runs with NumPy."""
    lines, settled = [], []
    for run in sorted(record["runs"], key=lambda r: r["seed"]):
        steps = np.array(run["steps"])
        draws = (np.array(run["classes_covered"]) == 10) & (np.array(run["fid"]) <= line)
        first = f"first at step {steps[draws][0]:,}" if draws.any() else "never"
        lines.append(f"seed {run['seed']}: all ten digits at or under {PAPER_LABEL} {first}, in {draws.sum()} of "
                     f"{len(steps)} measurements; after {steps[-1]:,} steps FID {run['fid'][-1]:.1f}, "
                     f"{run['classes_covered'][-1]}/10 digits")
        misses = np.flatnonzero(~draws)
        settled.append(steps[0] if not misses.size else (steps[misses[-1] + 1] if misses[-1] + 1 < len(steps) else None))
    if None in settled:
        lines.append(f"no step after which every measurement of every seed draws all ten digits at or under {PAPER_LABEL}")
    else:
        lines.append(f"from step {max(settled):,} on, every measurement of every seed draws all ten digits at or "
                     f"under {PAPER_LABEL}")
    return lines


def test_the_paper_statements_follow_from_the_runs(paper_record):
    assert records.paper_record_statements(paper_record, _line(), PAPER_LABEL) == _paper_statements(paper_record, _line())


def test_the_notebook_prints_exactly_the_paper_statements(paper_record):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cells = [c for c in nb.cells if "paper-record-statements" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    printed = "".join(o.get("text", "") for o in cells[0].outputs if o.get("output_type") == "stream")
    expected = _paper_statements(paper_record, _line())
    assert printed.strip().splitlines()[-len(expected):] == expected


def test_paper_statements_find_the_step_from_which_every_seed_draws():
    def run(seed, covered, fids):
        return {"seed": seed, "steps": [100, 200, 300], "classes_covered": covered, "fid": fids}

    record = {"runs": [run(0, [9, 10, 10], [9.0, 8.0, 7.0]), run(1, [10, 9, 10], [9.0, 8.0, 7.0])]}
    lines = records.paper_record_statements(record, 8.5, "x")
    assert lines[0] == "seed 0: all ten digits at or under x first at step 200, in 2 of 3 measurements; " \
                       "after 300 steps FID 7.0, 10/10 digits"
    assert lines[1].startswith("seed 1: all ten digits at or under x first at step 300, in 1 of 3")
    assert lines[-1] == "from step 300 on, every measurement of every seed draws all ten digits at or under x"
    record["runs"][1]["classes_covered"][-1] = 9
    assert records.paper_record_statements(record, 8.5, "x")[-1].startswith("no step after which")


def test_the_paper_record_script_writes_a_record_the_notebook_can_read(tmp_path):
    """A tiny run of the script: two seeds, two measurements each, a grid per seed; --resume keeps them."""
    import subprocess
    import sys

    script = pathlib.Path(__file__).resolve().parent.parent / "scripts" / "paper_recipe_record.py"
    out = tmp_path / "record.json"
    args = [sys.executable, str(script), "--steps", "8", "--measure-every", "4", "--steps-per-execution", "2",
            "--seeds", "0", "1", "--limit", "256", "--width", "4", "--out", str(out)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    record = records.load_paper_record(out)
    assert [run["seed"] for run in record["runs"]] == [0, 1]
    assert all(run["steps"] == [4, 8] and (tmp_path / run["samples"]).is_file() for run in record["runs"])
    assert record["settings"]["g_filters"] == 4 and record["settings"]["digits"] == 256
    again = subprocess.run(args + ["--resume"], capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and "seed 0:" not in again.stdout
    other = subprocess.run([*args[:-2], "--width", "8", "--out", str(out), "--resume"], capture_output=True, text=True,
                           timeout=600)
    assert other.returncode != 0 and "other settings" in other.stderr
