"""The command line, in-process (fast) for bad input and one short run; see test_reliability.py for
the tests that start real processes."""

import json

import numpy as np
import pytest
from PIL import Image

from dcgan_keras.cli import build_parser, main
from dcgan_keras.cli.train import config_from_args, load_images
from dcgan_keras.recipe import TRAINING_DEFAULTS, make_gan, training_config


def optimizers(args):
    """The discriminator's and the generator's optimizer that ``train`` would compile from ``args``."""
    gan = make_gan(config_from_args(args))
    return gan.d_optimizer, gan.g_optimizer


def run(capsys, *argv):
    """Run the CLI in-process; return (exit status, stdout, stderr)."""
    try:
        status = main(list(argv))
    except SystemExit as exc:
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    """One short real training run through the CLI: 2 epochs on 320 embedded digits.

    One step per call (the default is 6, which an epoch of 5 steps would fit in one call), so
    that the cooldown sets the rates before every step."""
    out = tmp_path_factory.mktemp("run")
    status = main(["train", "--data", "embedded", "--limit", "320", "--epochs", "2", "--batch-size", "64",
                   "--out", str(out), "--no-progress", "--quality-every", "0", "--mixed-precision", "float32",
                   "--steps-per-execution", "1"])
    assert status == 0
    return out


def test_train_writes_every_promised_file(trained_run):
    for name in ("samples_latest.png", "samples.gif", "samples/epoch_0001.png", "samples/epoch_0002.png",
                 "losses.png", "metrics.json", "run.json", "generator.keras", "checkpoints/state.json"):
        assert (trained_run / name).exists(), name
    metrics = json.loads((trained_run / "metrics.json").read_text())
    assert metrics["epochs_completed"] == 2
    assert len(metrics["history"]["d_loss"]) == 2 and len(metrics["history"]["g_loss"]) == 2
    assert np.isfinite(metrics["summary"]["quality"]["fid"])  # measured after the last epoch
    run_record = json.loads((trained_run / "run.json").read_text())
    assert {k: run_record[k] for k in ("learning_rate", "beta_1", "beta_2", "r1_weight")} == {
        k: TRAINING_DEFAULTS[k] for k in ("learning_rate", "beta_1", "beta_2", "r1_weight")}
    assert run_record["g_refine_blocks"] == TRAINING_DEFAULTS["g_refine_blocks"]
    assert run_record["d_learning_rate"] == run_record["learning_rate"]
    assert run_record["xla"] is True  # on by default with one device
    # the learning rates fall over the last 40% of the 10 steps: the second epoch's last step ran at
    # 1 - 0.9 * (9/10 - 0.6) / 0.4 of them
    assert run_record["cooldown"] == TRAINING_DEFAULTS["cooldown"] == 0.4
    np.testing.assert_allclose(metrics["history"]["learning_rate_factor"], [1.0, 0.325], rtol=1e-6)
    gif = Image.open(trained_run / "samples.gif")
    assert gif.n_frames == 2
    grid = np.asarray(Image.open(trained_run / "samples_latest.png"))
    assert grid.ndim == 2 and grid.std() > 0


def test_sample_from_the_saved_generator(trained_run, tmp_path, capsys):
    status, out, _ = run(capsys, "sample", str(trained_run / "generator.keras"), "--n", "9", "--out",
                         str(tmp_path / "grid.png"))
    assert status == 0 and "wrote 9 samples" in out
    assert Image.open(tmp_path / "grid.png").size == (2 * (3 * 30 + 2), 2 * (3 * 30 + 2))


def test_evaluate_prints_the_quality_figures(trained_run, capsys):
    status, out, _ = run(capsys, "evaluate", str(trained_run / "generator.keras"), "--n", "200")
    report = json.loads(out)
    assert status == 0 and {"fid", "inception_score", "class_counts", "classes_covered"} <= set(report)
    assert sum(report["class_counts"]) == 200


def test_evaluate_reports_memorisation_against_unseen_digits(trained_run, tmp_path, monkeypatch, capsys):
    from dcgan_keras.data import load_mnist

    images, labels = load_mnist("embedded")
    pick = np.random.default_rng(1).permutation(len(images))
    cache = tmp_path / "keras" / "datasets"
    cache.mkdir(parents=True)
    # a small made-up cache: 300 "training" and 200 "test" digits taken from the embedded ones
    np.savez(cache / "mnist.npz", x_train=images[pick[:300]], y_train=labels[pick[:300]],
             x_test=images[pick[300:500]], y_test=labels[pick[300:500]])
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    status, out, _ = run(capsys, "evaluate", str(trained_run / "generator.keras"), "--n", "100")
    memorisation = json.loads(out)["memorisation"]
    assert status == 0 and memorisation["trained_on"] == "embedded"  # read from run.json beside the generator
    assert memorisation["n_samples"] == 100 and memorisation["n_train"] == 5000 and memorisation["n_test"] == 200
    assert memorisation["sample_median"] > 0 and memorisation["ratio"] == pytest.approx(
        memorisation["sample_median"] / memorisation["test_median"])
    status, out, err = run(capsys, "evaluate", str(trained_run / "generator.keras"), "--n", "100",
                           "--train-data", "none")
    assert status == 0 and "memorisation" not in json.loads(out)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "empty"))
    status, out, err = run(capsys, "evaluate", str(trained_run / "generator.keras"), "--n", "100")
    assert status == 0 and "memorisation" not in json.loads(out) and "no memorisation check" in err


def test_evaluate_several_draws_reports_the_mean_and_spread(trained_run, capsys):
    path = str(trained_run / "generator.keras")
    _, single, _ = run(capsys, "evaluate", path, "--n", "200", "--seed", "3")
    status, out, _ = run(capsys, "evaluate", path, "--n", "200", "--seed", "3", "--draws", "3")
    report, first = json.loads(out), json.loads(single)
    assert status == 0 and report["draws"] == 3 and len(report["fid_per_draw"]) == 3
    assert report["fid_per_draw"][0] == pytest.approx(first["fid"])  # the first draw is the single draw
    assert len(set(report["fid_per_draw"])) == 3  # independent noise in each draw
    assert report["fid"] == pytest.approx(np.mean(report["fid_per_draw"]))
    assert report["fid_sd"] == pytest.approx(np.std(report["fid_per_draw"], ddof=1))
    assert sum(report["class_counts"]) == 600
    assert report["classes_covered"] == sum(c >= 0.05 * 600 for c in report["class_counts"])
    status, _, err = run(capsys, "evaluate", path, "--draws", "0")
    assert status == 2 and "--draws" in err


def test_existing_run_needs_resume(trained_run, capsys):
    status, _, err = run(capsys, "train", "--data", "embedded", "--epochs", "1", "--out", str(trained_run))
    assert status == 2 and "pass --resume" in err and len(err.strip().splitlines()) == 1


def test_a_bad_flag_is_named_before_the_earlier_run(trained_run, capsys):
    status, _, err = run(capsys, "train", "--out", str(trained_run), "--image-size", "30", "30")
    assert status == 2 and "MNIST digits are 28x28 greyscale" in err and "checkpoint" not in err


def test_resume_with_other_model_settings_is_refused(trained_run, capsys):
    status, _, err = run(capsys, "train", "--data", "embedded", "--epochs", "3", "--out", str(trained_run), "--resume",
                         "--latent-dim", "100")
    assert status == 2 and "latent_dim was 32 now 100" in err


BAD_TRAIN_FLAGS = [
    (["--epochs", "0"], "--epochs: must be at least 1"),
    (["--epochs", "-3"], "--epochs: must be at least 1"),
    (["--batch-size", "0"], "--batch-size: must be at least 1"),
    (["--batch-size", "-1"], "--batch-size: must be at least 1"),
    (["--latent-dim", "0"], "--latent-dim: must be at least 1"),
    (["--latent-dim", "ten"], "--latent-dim: expected a whole number"),
    (["--data", "mnist"], "neither 'auto', 'full', 'embedded' nor an existing folder"),
    (["--data", "/no/such/folder"], "neither 'auto', 'full', 'embedded' nor an existing folder"),
    (["--minutes", "-1"], "--minutes: must be 0 (no time limit) or a positive number"),
    (["--minutes", "inf"], "--minutes: must be 0 (no time limit) or a positive number"),
    (["--minutes", "soon"], "--minutes: expected a number of minutes"),
    (["--checkpoint-every", "-5"], "--checkpoint-every: must be 0 (after every epoch) or a positive number"),
    (["--checkpoint-every", "often"], "--checkpoint-every: expected a number of seconds"),
    (["--steps-per-execution", "0"], "--steps-per-execution: must be at least 1"),
    (["--mixed-precision", "int8"], "invalid choice: 'int8'"),
    (["--label-smoothing", "0.7"], "--label-smoothing must be a number in [0, 0.5)"),
    (["--r1-weight", "-1"], "--r1-weight must be a number >= 0"),
    (["--r1-weight", "nan"], "--r1-weight must be a number >= 0"),
    (["--ema-decay", "1"], "--ema-decay must be a number in [0, 1)"),
    (["--ema-decay", "-0.5"], "--ema-decay must be a number in [0, 1)"),
    (["--ema-decay", "nan"], "--ema-decay must be a number in [0, 1)"),
    (["--beta-1", "1"], "--beta-1 must be a number in [0, 1)"),
    (["--beta-2", "-0.1"], "--beta-2 must be a number in [0, 1)"),
    (["--g-refine-blocks", "-1"], "--g-refine-blocks: must be at least 0"),
    (["--cooldown", "1.5"], "--cooldown must be a number in [0, 1]"),
    (["--cooldown", "-0.1"], "--cooldown must be a number in [0, 1]"),
    (["--cooldown", "nan"], "--cooldown must be a number in [0, 1]"),
    (["--cooldown-final", "1.5"], "--cooldown-final must be a number in [0, 1]"),
    (["--cooldown-final", "-0.1"], "--cooldown-final must be a number in [0, 1]"),
    (["--cooldown-final", "nan"], "--cooldown-final must be a number in [0, 1]"),
    (["--d-learning-rate", "0"], "--d-learning-rate: must be a positive number"),
    (["--d-learning-rate", "fast"], "--d-learning-rate: expected a number"),
    (["--g-refine-blocks", "one"], "--g-refine-blocks: expected a whole number"),
    (["--deterministic", "--xla"], "--deterministic and --xla do not go together"),
    (["--epochs", "2", "--steps", "10"], "not allowed with argument"),
    (["--image-size", "30", "30"], "MNIST digits are 28x28 greyscale"),
    (["--data", "embedded", "--channels", "3"], "MNIST digits are 28x28 greyscale"),
]


@pytest.mark.parametrize("flags,message", BAD_TRAIN_FLAGS)
def test_bad_train_flags_give_one_line_and_status_2(tmp_path, capsys, flags, message):
    status, _, err = run(capsys, "train", "--out", str(tmp_path / "run"), *flags)
    assert status == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


def test_batch_larger_than_data_is_refused(tmp_path, capsys):
    status, _, err = run(capsys, "train", "--data", "embedded", "--limit", "50", "--batch-size", "64",
                         "--out", str(tmp_path / "run"))
    assert status == 2 and "--batch-size 64 is larger than the data set (50 images)" in err


def test_unwritable_output_folder_is_refused(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    status, _, err = run(capsys, "train", "--data", "embedded", "--out", str(blocker / "run"))
    assert status == 2 and "cannot be written" in err and "--out" in err


def test_image_folder_problems_are_reported(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    status, _, err = run(capsys, "train", "--data", str(empty), "--out", str(tmp_path / "run"))
    assert status == 2 and "is empty" in err
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.png").write_text("not really a png")
    status, _, err = run(capsys, "train", "--data", str(junk), "--out", str(tmp_path / "run"))
    assert status == 2 and "not readable images" in err


def test_image_size_the_generator_cannot_make_is_refused(tmp_path, capsys):
    folder = tmp_path / "pics"
    folder.mkdir()
    for i in range(4):
        Image.fromarray(np.zeros((30, 30, 3), np.uint8)).save(folder / f"{i}.png")
    status, _, err = run(capsys, "train", "--data", str(folder), "--image-size", "27", "27", "--batch-size", "2",
                         "--out", str(tmp_path / "run"))
    assert status == 2 and "cannot produce images of shape (27, 27, 3)" in err


def test_sample_errors(tmp_path, capsys, trained_run):
    status, _, err = run(capsys, "sample", str(tmp_path / "missing.keras"))
    assert status == 2 and "does not exist" in err
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    status, _, err = run(capsys, "sample", str(text))
    assert status == 2 and "not a Keras model file" in err
    fake = tmp_path / "fake.keras"
    fake.write_bytes(b"not a zip archive")
    status, _, err = run(capsys, "sample", str(fake))
    assert status == 2 and "could not be loaded" in err and len(err.strip().splitlines()) == 1
    status, _, err = run(capsys, "sample", str(trained_run / "generator.keras"), "--n", "0")
    assert status == 2 and "--n must be at least 1" in err
    status, _, err = run(capsys, "sample", str(trained_run / "generator.keras"), "--latent-dim", "64")
    assert status == 2 and "built for latent size 32, not 64" in err


def test_a_discriminator_is_not_a_generator(tmp_path, capsys):
    from dcgan_keras.models import build_discriminator

    path = tmp_path / "d.keras"
    build_discriminator(base_filters=4).save(path)
    status, _, err = run(capsys, "sample", str(path))
    assert status == 2 and "is not a generator" in err


def test_evaluate_needs_mnist_shaped_generators(tmp_path, capsys):
    from dcgan_keras.models import build_generator

    path = tmp_path / "g.keras"
    build_generator(8, (32, 32, 3), base_filters=4).save(path)
    status, _, err = run(capsys, "evaluate", str(path))
    assert status == 2 and "needs 28x28x1 digits" in err


def test_train_defaults_are_the_training_recipe():
    args = build_parser().parse_args(["train"])
    assert args.steps is None and args.minutes is None  # so that an explicit length can be told apart
    assert args.batch_size == TRAINING_DEFAULTS["batch_size"]
    assert args.latent_dim == TRAINING_DEFAULTS["latent_dim"]
    assert (args.g_filters, args.d_filters) == (TRAINING_DEFAULTS["g_filters"], TRAINING_DEFAULTS["d_filters"])
    assert (args.learning_rate, args.beta_1) == (TRAINING_DEFAULTS["learning_rate"], TRAINING_DEFAULTS["beta_1"])
    assert args.beta_2 == TRAINING_DEFAULTS["beta_2"]
    assert args.r1_weight == TRAINING_DEFAULTS["r1_weight"]
    assert config_from_args(args) == training_config()  # the command line's default run is the recipe
    # not the recipe, which they leave step for step the same: the cost of the steps around it
    assert (args.steps_per_execution, args.checkpoint_every) == (6, 30.0)
    assert args.ema_decay == TRAINING_DEFAULTS["ema_decay"]
    assert args.g_refine_blocks == TRAINING_DEFAULTS["g_refine_blocks"]
    assert args.cooldown == TRAINING_DEFAULTS["cooldown"]
    d_optimizer, g_optimizer = optimizers(args)  # one learning rate for both networks unless asked
    assert float(d_optimizer.learning_rate) == float(g_optimizer.learning_rate) == pytest.approx(
        TRAINING_DEFAULTS["learning_rate"])


def test_mnist_fallback_is_one_plain_note(monkeypatch, capsys, recwarn):
    from dcgan_keras import data

    def no_network(timeout=None):
        raise RuntimeError("full MNIST could not be downloaded (no network)")

    monkeypatch.setattr(data, "load_full_mnist", no_network)
    images, source = load_images(build_parser().parse_args(["train", "--data", "auto"]))
    assert (images.shape, source) == ((5000, 28, 28, 1), "embedded")
    err = capsys.readouterr().err
    assert err == "note: full MNIST could not be downloaded (no network); using the 5,000 embedded MNIST digits instead\n"
    assert not [w for w in recwarn if "MNIST" in str(w.message)]  # not also shown as a warning with a source line


def test_d_learning_rate_sets_the_discriminators_rate_only():
    args = build_parser().parse_args(["train", "--learning-rate", "1e-3", "--d-learning-rate", "4e-3"])
    d_optimizer, g_optimizer = optimizers(args)
    assert float(d_optimizer.learning_rate) == pytest.approx(4e-3)
    assert float(g_optimizer.learning_rate) == pytest.approx(1e-3)
    assert (d_optimizer.beta_2, g_optimizer.beta_2) == (TRAINING_DEFAULTS["beta_2"],) * 2


def test_help_describes_every_flag(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = capsys.readouterr().out
    for flag in ("--epochs", "--batch-size", "--latent-dim", "--data", "--out", "--seed", "--xla", "--r1-weight",
                 "--beta-1", "--beta-2", "--mixed-precision", "--resume", "--deterministic", "--minutes",
                 "--ema-decay", "--g-refine-blocks", "--cooldown", "--cooldown-final", "--d-learning-rate", "--steps-per-execution",
                 "--checkpoint-every"):
        assert flag in text


def test_time_budget_stops_early_and_still_scores_the_generator(tmp_path, capsys):
    status, out, _ = run(capsys, "train", "--data", "embedded", "--limit", "128", "--epochs", "5",
                         "--minutes", "0.0001", "--out", str(tmp_path / "run"), "--no-progress")
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert status == 0 and "trained 1 epoch (" in out and "quality: FID" in out
    assert metrics["epochs_completed"] == 1 and np.isfinite(metrics["summary"]["quality"]["fid"])
    assert metrics["summary"]["stopped_by_time_limit"] and metrics["summary"]["steps"] == 2
    assert "stopped by the 0.0001-minute limit before epoch 2 of 5" in out


def test_minutes_zero_lifts_the_time_limit(tmp_path, capsys):
    status, out, _ = run(capsys, "train", "--data", "embedded", "--limit", "150", "--epochs", "2", "--minutes", "0",
                         "--out", str(tmp_path / "run"), "--no-progress", "--no-quality", "--no-xla")
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert json.loads((tmp_path / "run" / "run.json").read_text())["xla"] is False
    assert status == 0 and "stops after" not in out and "stopped by" not in out
    assert metrics["epochs_completed"] == 2 and not metrics["summary"]["stopped_by_time_limit"]
    # 150 images in batches of 64: two whole batches an epoch, the last 22 images wait for the next shuffle
    assert "2 epochs of 2 steps" in out and metrics["summary"]["steps"] == 4


def test_an_explicit_length_turns_the_time_limit_off_unless_minutes_is_given():
    parse = build_parser().parse_args
    assert config_from_args(parse(["train"]))["minutes"] == TRAINING_DEFAULTS["minutes"] > 0
    assert config_from_args(parse(["train", "--epochs", "10"]))["minutes"] == 0
    assert config_from_args(parse(["train", "--steps", "500"]))["minutes"] == 0
    assert config_from_args(parse(["train", "--epochs", "10", "--minutes", "3"]))["minutes"] == 3
    assert config_from_args(parse(["train", "--steps", "500"]))["steps"] == 500


def test_help_groups_the_flags_and_shows_their_defaults(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = capsys.readouterr().out
    for group in ("data:", "run length:", "networks:", "optimisation", "quality and early stopping", "output:"):
        assert group in text, group
    assert f"(default: {TRAINING_DEFAULTS['batch_size']})" in text
    assert f"(default: {TRAINING_DEFAULTS['learning_rate']:g})" in text
    assert "(default: runs/dcgan)" in text


@pytest.mark.parametrize("argv0,prog", [("/venv/bin/dcgan-keras", "dcgan-keras"), ("-m", "python -m dcgan_keras"),
                                        ("/src/dcgan_keras/__main__.py", "python -m dcgan_keras")])
def test_the_program_name_is_the_one_typed(argv0, prog, monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", [argv0])
    status, out, _ = run(capsys, "--help")
    assert status == 0 and out.startswith(f"usage: {prog} ")
    status, _, err = run(capsys, "train", "--epochs", "0")
    assert status == 2 and err.startswith(f"{prog} train: error:")


def test_overwrite_starts_again_where_an_earlier_run_was(trained_run, tmp_path, capsys):
    import shutil

    out = tmp_path / "again"
    shutil.copytree(trained_run, out)
    (out / "notes.txt").write_text("mine")  # not a file a run writes: it stays
    status, text, _ = run(capsys, "train", "--data", "embedded", "--limit", "128", "--epochs", "1", "--out", str(out),
                          "--overwrite", "--no-progress", "--no-quality")
    assert status == 0 and "resumed" not in text
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["epochs_completed"] == 1 and not (out / "samples" / "epoch_0002.png").exists()
    assert (out / "notes.txt").read_text() == "mine"
    status, _, err = run(capsys, "train", "--out", str(out), "--overwrite", "--resume")
    assert status == 2 and "not allowed with argument" in err


def test_resume_where_nothing_ran_says_so_and_starts_a_new_run(tmp_path, capsys):
    status, text, err = run(capsys, "train", "--data", "embedded", "--limit", "128", "--epochs", "1", "--out",
                            str(tmp_path / "new"), "--resume", "--no-progress", "--no-quality")
    assert status == 0 and "holds no checkpoint to resume from; starting a new run" in err
    assert json.loads((tmp_path / "new" / "metrics.json").read_text())["epochs_completed"] == 1


def test_tensorboard_logs_losses_and_sample_grids(tmp_path, capsys):
    import tensorflow as tf

    out = tmp_path / "tb"
    status, text, _ = run(capsys, "train", "--data", "embedded", "--limit", "128", "--epochs", "2", "--out", str(out),
                          "--tensorboard", "--no-progress", "--quality-every", "0")
    assert status == 0 and "tensorboard --logdir" in text
    tags = set()
    for event_file in (out / "tensorboard").rglob("events.out.tfevents.*"):
        for event in tf.compat.v1.train.summary_iterator(str(event_file)):
            tags.update(value.tag for value in event.summary.value)
    assert {"epoch_d_loss", "epoch_g_loss", "epoch_fid", "samples"} <= tags, tags


def test_plain_keras_loads_the_trained_generator_after_one_import(trained_run):
    """In a fresh process, ``import dcgan_keras`` is all ``keras.saving.load_model`` needs."""
    import subprocess
    import sys

    code = ("import sys, numpy as np\n"
            "import dcgan_keras\n"
            "import keras\n"
            "from dcgan_keras import DCGAN, build_discriminator, build_generator, load_mnist\n"
            "g = keras.saving.load_model(sys.argv[1])\n"
            "z = np.zeros((2, g.input_shape[-1]), 'float32')\n"
            "print(tuple(g(z, training=False).shape), {type(l).__module__ for l in g.layers if 'Block' in type(l).__name__})\n")
    done = subprocess.run([sys.executable, "-c", code, str(trained_run / "generator.keras")], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "(2, 28, 28, 1) {'dcgan_keras.layers'}" in done.stdout, done.stdout


def _flag_help(parser, action):
    """The help of one flag as ``--help`` prints it, on one line."""
    formatter = parser._get_formatter()
    formatter.add_argument(action)
    return " ".join(formatter.format_help().split())


def _commands():
    parser = build_parser()
    (subparsers,) = [action for action in parser._actions if action.choices and hasattr(action, "add_parser")]
    return subparsers.choices


@pytest.mark.parametrize("command", ["train", "sample", "evaluate", "benchmark"])
def test_help_shows_each_flags_default_as_the_parser_has_it(command):
    """Every default the parser holds is shown, 0 included; a flag without one (None, or off) shows none."""
    import argparse

    parser = _commands()[command]
    shown = 0
    for action in parser._actions:
        if not action.option_strings or action.default is argparse.SUPPRESS:
            continue
        text = _flag_help(parser, action)
        default = action.default
        if default is None or default is False:
            continue  # the help text says what happens (and --steps and --minutes name the recipe's numbers)
        expected = (f"{default:g}" if isinstance(default, float) else
                    " ".join(map(str, default)) if isinstance(default, (list, tuple)) else str(default))
        assert text.endswith(f"(default: {expected})"), f"{command} {action.option_strings[0]}: {text}"
        shown += 1
    assert shown >= 3


def test_zero_defaults_are_shown_and_the_worked_out_ones_match_the_recipe():
    parser = _commands()["train"]
    flags = {action.option_strings[0]: action for action in parser._actions if action.option_strings}
    for flag in ("--beta-1", "--seed", "--label-smoothing"):
        assert flags[flag].default == 0 and _flag_help(parser, flags[flag]).endswith("(default: 0)"), flag
    assert f"(default: {TRAINING_DEFAULTS['steps']})" in _flag_help(parser, flags["--steps"])
    assert f"(default: {TRAINING_DEFAULTS['minutes']:g} when" in _flag_help(parser, flags["--minutes"])


def test_help_says_when_the_time_limit_is_checked_and_what_auto_precision_means():
    parser = _commands()["train"]
    flags = {action.option_strings[0]: action for action in parser._actions if action.option_strings}
    minutes = _flag_help(parser, flags["--minutes"])
    assert "after every call of the compiled step" in minutes and "end of an epoch" not in minutes
    assert "first epoch that ends" not in minutes
    precision = _flag_help(parser, flags["--mixed-precision"])
    assert "'auto': mixed_float16 when a GPU is found, float32 on every CPU (never bfloat16 unless asked)" in precision
    assert "'bfloat16' and 'float16' are used only when asked" in precision
    assert flags["--mixed-precision"].default == TRAINING_DEFAULTS["precision"] == "auto"


def test_top_level_help_names_the_course_tools(capsys):
    status, out, _ = run(capsys, "--help")
    assert status == 0
    assert "python -m dcgan_keras.course student OUT/" in out and "--nbgrader" in out
    assert "docs/instructors.md" in out
    status, _, err = run(capsys, "course", "student", "handout")
    assert status == 2 and "python -m dcgan_keras.course --help" in err
