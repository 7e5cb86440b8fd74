"""Training survives a kill, NaNs stop it cleanly, deterministic runs repeat byte for byte.

These tests start real training processes (``python -m dcgan_keras train``)."""

import json
import os
import random
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

import dcgan_keras.gan
from dcgan_keras.cli import main
from dcgan_keras.internal.files import TEMP_PREFIX

pytestmark = pytest.mark.slow

TRAIN = [sys.executable, "-m", "dcgan_keras", "train", "--data", "embedded", "--limit", "512", "--batch-size", "64",
         "--no-progress", "--no-quality", "--mixed-precision", "float32"]


def _env():
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}


def _state(out):
    path = out / "checkpoints" / "state.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


EPOCHS = 40  # of 4 steps each: long enough that the kill lands mid-run


def test_sigkill_then_resume_loses_at_most_one_epoch(tmp_path):
    out = tmp_path / "run"
    # --checkpoint-every 0: a checkpoint after every epoch (the default waits 30 s between saves)
    process = subprocess.Popen([*TRAIN, "--limit", "256", "--epochs", str(EPOCHS), "--out", str(out),
                                "--checkpoint-every", "0"], env=_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 240
    while time.time() < deadline and (_state(out) or {}).get("epoch", 0) < 1 and process.poll() is None:
        time.sleep(0.2)
    assert process.poll() is None, process.stderr.read().decode()[-2000:]
    time.sleep(random.uniform(0.0, 2.0))  # somewhere in a later epoch, perhaps mid-write
    assert process.poll() is None, "the run ended before it could be killed: give it more epochs"
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = _state(out)["epoch"]
    assert 1 <= killed_at < EPOCHS

    # Nothing half-written: every file under its final name is complete. A kill mid-write leaves
    # only a temporary file (never read, and removed by the resumed run, as checked below).
    for png in (out / "samples").glob("*.png"):
        if not png.name.startswith(TEMP_PREFIX):
            Image.open(png).load()
    json.loads((out / "metrics.json").read_text())

    resumed = subprocess.run([*TRAIN, "--limit", "256", "--epochs", str(EPOCHS), "--out", str(out), "--resume"],
                             env=_env(),
                             capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"resumed after epoch {killed_at}" in resumed.stdout
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["epochs_completed"] == EPOCHS
    assert len(metrics["history"]["d_loss"]) == EPOCHS and all(np.isfinite(metrics["history"]["d_loss"]))
    assert metrics["summary"]["resumed_from_epoch"] == killed_at
    assert sorted(p.name for p in (out / "samples").glob("*.png")) == [f"epoch_{i:04d}.png"
                                                                      for i in range(1, EPOCHS + 1)]
    assert Image.open(out / "samples.gif").n_frames == EPOCHS
    assert _state(out)["epoch"] == EPOCHS
    assert not [p.name for p in out.rglob(".*") if p.is_file()], "temporary files left behind"
    assert sorted(p.name for p in (out / "checkpoints").iterdir()) == [f"epoch_{EPOCHS:04d}.weights.h5",
                                                                       "state.json"]


def test_nan_loss_stops_training_and_keeps_the_last_good_checkpoint(tmp_path, monkeypatch, capsys):
    steps = tf.Variable(0, dtype=tf.int64)
    original = dcgan_keras.gan.generator_loss

    def poisoned(fake_logits):
        steps.assign_add(1)
        loss = original(fake_logits)
        return tf.where(steps > 12, tf.fill(tf.shape(loss), np.nan), loss)  # 8 steps an epoch: NaN in epoch 2

    monkeypatch.setattr(dcgan_keras.gan, "generator_loss", poisoned)
    out = tmp_path / "run"
    # one step per call, so that the check runs after every step; a checkpoint after every epoch
    status = main(["train", "--data", "embedded", "--limit", "512", "--batch-size", "64", "--epochs", "3",
                   "--no-progress", "--no-quality", "--out", str(out), "--steps-per-execution", "1",
                   "--checkpoint-every", "0"])
    err = capsys.readouterr().err
    assert status == 1
    assert "generator loss (g_loss) became nan at epoch 2, step 5" in err
    assert len(err.strip().splitlines()) == 1
    assert _state(out)["epoch"] == 1
    assert (out / "checkpoints" / "epoch_0001.weights.h5").exists()


def test_deterministic_runs_are_byte_identical(tmp_path):
    outputs = []
    for name in ("a", "b"):
        out = tmp_path / name
        done = subprocess.run([*TRAIN, "--epochs", "2", "--limit", "256", "--deterministic", "--seed", "3",
                               "--out", str(out)], env=_env(), capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        outputs.append(out)
    a, b = outputs
    assert json.loads((a / "run.json").read_text())["xla"] is False  # op determinism turns the XLA default off
    for name in ("samples/epoch_0001.png", "samples/epoch_0002.png", "samples_latest.png"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    history_a = json.loads((a / "metrics.json").read_text())["history"]
    history_b = json.loads((b / "metrics.json").read_text())["history"]
    assert history_a == history_b


def test_corrupt_checkpoint_on_resume_is_a_clear_cli_error(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--data", "embedded", "--limit", "128", "--batch-size", "64", "--epochs", "1",
                 "--no-progress", "--no-quality", "--out", str(out)]) == 0
    weights = out / "checkpoints" / "epoch_0001.weights.h5"
    weights.write_bytes(weights.read_bytes()[:2048])
    try:
        status = main(["train", "--data", "embedded", "--limit", "128", "--batch-size", "64", "--epochs", "2",
                       "--no-progress", "--no-quality", "--out", str(out), "--resume"])
    except SystemExit as exc:
        status = exc.code
    err = capsys.readouterr().err
    assert status == 2
    assert "epoch_0001.weights.h5 cannot be loaded" in err and "truncated" in err and "Delete" in err
    assert len(err.strip().splitlines()) == 1
