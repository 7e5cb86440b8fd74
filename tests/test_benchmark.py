import json

import keras
import pytest

from dcgan_keras.benchmark import MODES, multiply_adds, step_multiply_adds
from dcgan_keras.cli import main
from dcgan_keras.models import build_discriminator, build_generator


def test_multiply_adds_by_hand():
    model = keras.Sequential([
        keras.Input((8, 8, 3)),
        keras.layers.Conv2D(4, 3, strides=2, padding="same"),   # 4x4x4 outputs, 3*3*3 taps each
        keras.layers.Conv2DTranspose(2, 4, strides=2, padding="same"),  # 4x4x4 inputs scatter 4*4*2
        keras.layers.Flatten(),
        keras.layers.Dense(5),                                   # 8*8*2 inputs
    ])
    assert multiply_adds(model) == 4 * 4 * 4 * 27 + 4 * 4 * 4 * 16 * 2 + 128 * 5


def test_dcgan_multiply_adds_follow_the_layers():
    generator, discriminator = build_generator(), build_discriminator()
    g = 100 * 7 * 7 * 128 + 7 * 7 * 128 * 16 * 64 + 14 * 14 * 64 * 16 * 1
    d = 14 * 14 * 16 * 1 * 64 + 7 * 7 * 16 * 64 * 128 + 4 * 4 * 16 * 128 * 256 + 4 * 4 * 256  # 28 -> 14 -> 7 -> 4
    assert multiply_adds(generator) == g
    assert multiply_adds(discriminator) == d
    assert step_multiply_adds(generator, discriminator) == 3 * g + 8 * d


def test_modes_cover_the_supported_switches():
    assert {"reference", "function", "xla", "bfloat16", "float16", "bfloat16+r1"} <= set(MODES)


def test_throughput_benchmark_writes_ratios(tmp_path, capsys):
    out = tmp_path / "bench.json"
    status = main(["benchmark", "--batch-sizes", "8", "--modes", "function", "bfloat16+r1", "--windows", "2",
                   "--window-steps", "2", "--out", str(out)])
    text = capsys.readouterr().out
    assert status == 0 and "x reference" in text and "GFLOP/s" in text
    result = json.loads(out.read_text())
    rows = result["throughput"]["8"]
    assert set(rows) == {"reference", "function", "bfloat16+r1"}
    assert rows["reference"]["ratio"] == 1.0
    for row in rows.values():
        assert row["min"] <= row["median"] <= row["max"] and len(row["windows"]) == 2 and row["gflops"] > 0
    assert result["matmul_gflops_float32"] > 0


def test_unknown_mode_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["benchmark", "--modes", "turbo", "--out", str(tmp_path / "b.json")])
    assert exc.value.code == 2 and "unknown mode(s) turbo" in capsys.readouterr().err


def test_quality_curve_scores_each_budget(tmp_path, capsys):
    out = tmp_path / "quality.json"
    assert main(["benchmark", "--quality", "--budgets", "0.01", "0.05", "--out", str(out)]) == 0
    rows = json.loads(out.read_text())["quality"]["default"]
    assert [row["minutes"] for row in rows] == [0.01, 0.05]
    # Steps come in chunks of 10, and on a loaded machine one chunk can outlast both budgets.
    assert 10 <= rows[0]["steps"] <= rows[1]["steps"] and all(row["fid"] > 0 for row in rows)


def test_the_help_lists_exactly_the_modes_the_benchmark_takes(capsys):
    import re

    with pytest.raises(SystemExit):
        main(["benchmark", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    listed = re.search(r"--modes MODES \[MODES \.\.\.\]\s+modes to time \(.*?\): (reference,[^()]*?, float16)(?: |$)", text).group(1)
    assert [m.strip() for m in listed.split(",")] == list(MODES)
