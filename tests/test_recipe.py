"""The recipe: one place for the default run's settings, model and callbacks."""


import keras
import pytest

from dcgan_keras import callbacks, recipe
from dcgan_keras.recipe import PAPER_SETTINGS, TRAINING_DEFAULTS, make_callbacks, make_gan, training_config


@pytest.mark.parametrize("module", ["recipe", "internal/validation", "cli/__init__", "cli/arguments", "cli/parser"])
def test_what_help_needs_imports_no_tensorflow_at_module_level(module):
    import ast
    import pathlib

    import dcgan_keras

    path = pathlib.Path(dcgan_keras.__file__).parent / f"{module}.py"
    top = [n for n in ast.parse(path.read_text()).body if isinstance(n, (ast.Import, ast.ImportFrom))]
    names = [a.name for n in top if isinstance(n, ast.Import) for a in n.names]
    names += [n.module for n in top if isinstance(n, ast.ImportFrom)]
    assert names and not [n for n in names if n.split(".")[0] in ("tensorflow", "keras", "numpy")], names


def test_defaults_and_paper_settings_are_checked_configs():
    assert training_config() == TRAINING_DEFAULTS and training_config() is not TRAINING_DEFAULTS
    paper = training_config(**PAPER_SETTINGS)
    assert (paper["learning_rate"], paper["beta_1"], paper["latent_dim"]) == (2e-4, 0.5, 100)
    assert paper["r1_weight"] == paper["ema_decay"] == paper["cooldown"] == 0


@pytest.mark.parametrize("overrides,message", [
    ({"stepz": 3}, "unknown recipe setting(s) stepz"),
    ({"steps": 0}, "steps must be a whole number >= 1"),
    ({"beta_1": 1.0}, "beta_1 must be a number in [0, 1)"),
    ({"r1_weight": float("nan")}, "r1_weight must be a number >= 0"),
    ({"learning_rate": 0}, "learning_rate must be a number > 0"),
    ({"upsampling": "bicubic"}, "upsampling must be one of"),
    ({"latent_dim": "13"}, "latent_dim must be a whole number >= 1"),
])
def test_bad_settings_are_named(overrides, message):
    with pytest.raises(ValueError) as caught:
        training_config(**overrides)
    assert message in str(caught.value)


@pytest.mark.parametrize("bf16", [True, False], ids=["bf16-cpu", "plain-cpu"])
@pytest.mark.parametrize("xla", [True, False])
def test_make_gan_trains_in_float32_on_every_cpu(monkeypatch, bf16, xla):
    from dcgan_keras.internal import acceleration

    monkeypatch.setattr(acceleration, "gpus", lambda: [])
    monkeypatch.setattr(acceleration, "cpu_has_bf16", lambda: bf16)
    gan = make_gan(training_config(latent_dim=8, g_filters=4, d_filters=4, g_refine_blocks=0, xla=xla), seed=1)
    assert keras.config.dtype_policy().name == "float32"
    assert gan.generator.dtype_policy.name == gan.discriminator.dtype_policy.name == "float32"


def test_make_gan_uses_bfloat16_when_asked(monkeypatch):
    from dcgan_keras.internal import acceleration

    monkeypatch.setattr(acceleration, "gpus", lambda: [])
    try:
        gan = make_gan(training_config(latent_dim=8, g_filters=4, d_filters=4, g_refine_blocks=0,
                                       precision="bfloat16", xla=False), seed=1)
        assert gan.discriminator.dtype_policy.name == "mixed_bfloat16"
    finally:
        keras.config.set_dtype_policy("float32")


def test_make_gan_builds_the_configured_networks_and_optimizers(monkeypatch):
    from dcgan_keras.internal import acceleration

    monkeypatch.setattr(acceleration, "gpus", lambda: [])
    config = training_config(latent_dim=8, g_filters=4, d_filters=4, g_refine_blocks=0, learning_rate=1e-3,
                             d_learning_rate=3e-3, beta_1=0.5, xla=False, steps_per_execution=2)
    gan = make_gan(config, seed=1)
    assert gan.latent_dim == 8 and gan.generator_ema is not None and gan.r1_weight == 1.0
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(1e-3)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(3e-3)
    assert gan.d_optimizer.beta_1 == 0.5 and gan.steps_per_execution == 2 and not gan.jit_compile
    assert keras.config.dtype_policy().name == "float32"


def test_make_callbacks_orders_the_default_run():
    cbs = make_callbacks(training_config(), steps_per_epoch=78, epochs=154)
    kinds = [type(c) for c in cbs]
    assert kinds == [callbacks.StopOnNonFiniteLoss, callbacks.LearningRateCooldown, callbacks.QualityMonitor,
                     callbacks.StopWhenQualityStalls, callbacks.TimeBudget, callbacks.ProgressBar]
    quality = recipe.find_callback(cbs, callbacks.QualityMonitor)
    assert quality.every == 10  # 780 steps of 78
    stalls = recipe.find_callback(cbs, callbacks.StopWhenQualityStalls)
    assert stalls.patience == TRAINING_DEFAULTS["patience"] and stalls.start_from_epoch == round(0.6 * 154)
    assert recipe.find_callback(cbs, callbacks.TimeBudget).minutes == TRAINING_DEFAULTS["minutes"]


def test_make_callbacks_without_quality_limit_or_folder():
    cbs = make_callbacks(training_config(minutes=0, cooldown=0), 10, image_shape=(32, 32, 3), progress=False)
    assert [type(c) for c in cbs] == [callbacks.StopOnNonFiniteLoss]


def test_make_callbacks_with_a_folder_writes_files(tmp_path):
    cbs = make_callbacks(training_config(), 78, out_dir=tmp_path, tensorboard=True)
    assert {callbacks.SampleGrid, callbacks.MetricsLogger, callbacks.ResumableCheckpoint,
            keras.callbacks.TensorBoard, callbacks.SampleImages} <= {type(c) for c in cbs}


def test_quality_stalls_stops_only_after_patience_measurements():
    stop = callbacks.StopWhenQualityStalls(patience=2, min_delta=0.1, start_from_epoch=0)

    class Model:
        stop_training = False

    stop.set_model(Model())
    stop.on_train_begin()
    for epoch, fid in enumerate([5.0, None, 4.0, None, None, 3.95]):
        stop.on_epoch_end(epoch, {} if fid is None else {"fid": fid})
        assert not stop.model.stop_training, epoch  # epochs without a measurement do not count
    stop.on_epoch_end(6, {"fid": 3.99})  # the second measurement in a row without a gain of 0.1
    assert stop.model.stop_training and stop.stopped_epoch == 6


def test_quality_stalls_counts_from_a_cooldown_the_time_limit_began_early():
    stop = callbacks.StopWhenQualityStalls(patience=2, min_delta=0.1, start_from_epoch=100)

    class Model:
        stop_training = False

    stop.set_model(Model())
    stop.on_train_begin()
    stop.on_epoch_end(0, {"fid": 5.0, "learning_rate_factor": 1.0})
    stop.on_epoch_end(1, {"fid": 6.0, "learning_rate_factor": 1.0})
    stop.on_epoch_end(2, {"fid": 7.0, "learning_rate_factor": 1.0})
    assert not stop.model.stop_training  # before the cooldown nothing counts
    for epoch, fid in [(3, 4.0), (4, 4.5)]:
        stop.on_epoch_end(epoch, {"fid": fid, "learning_rate_factor": 0.9})
        assert not stop.model.stop_training, epoch
    stop.on_epoch_end(5, {"fid": 4.2, "learning_rate_factor": 0.8})
    assert stop.model.stop_training and stop.stopped_epoch == 5
    stop.on_train_begin()  # a second fit starts from the epoch it was given again
    assert stop.start_from_epoch == 100


RUN_LENGTH = {"steps", "minutes", "quality_every", "patience"}  # how long a run lasts, not what it trains


def _notebook_recipe_calls(name="06_dcgan_mnist.ipynb"):
    """The keyword names of every ``training_config(...)`` call in the notebook cell that trains the full
    recipe (the cell that also calls ``make_callbacks``), and that cell's source."""
    import ast
    import json
    import pathlib

    notebook = json.loads((pathlib.Path(__file__).resolve().parents[1] / "notebooks" / name).read_text())
    cells = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    final = [c for c in cells if "make_callbacks(" in c and "training_config(" in c]
    assert len(final) == 1, "notebook 06 must train the full recipe in one cell with training_config and make_callbacks"
    calls = [node for node in ast.walk(ast.parse(final[0])) if isinstance(node, ast.Call)
             and getattr(node.func, "attr", getattr(node.func, "id", None)) == "training_config"]
    assert len(calls) == 1 and not calls[0].args
    keywords = {k.arg for k in calls[0].keywords if k.arg}
    keywords |= {key.value for k in calls[0].keywords if k.arg is None and isinstance(k.value, ast.Dict)
                 for key in k.value.keys if isinstance(key, ast.Constant)}
    keywords |= {key.value for node in ast.walk(calls[0]) if isinstance(node, ast.Dict)
                 for key in node.keys if isinstance(key, ast.Constant)}
    return keywords, final[0]


def test_notebook_06_and_the_command_line_build_the_same_run():
    from dcgan_keras.cli import build_parser
    from dcgan_keras.cli.train import config_from_args

    keywords, source = _notebook_recipe_calls()
    assert "recipe.make_gan(config" in source and "recipe.make_callbacks(config" in source
    assert keywords <= RUN_LENGTH, f"notebook 06 changes what the recipe trains: {sorted(keywords - RUN_LENGTH)}"
    command_line = config_from_args(build_parser().parse_args(["train"]))
    notebook = training_config(**{k: 1 for k in keywords})  # the run-length values aside
    assert {k: v for k, v in command_line.items() if k not in RUN_LENGTH} == \
        {k: v for k, v in notebook.items() if k not in RUN_LENGTH}


def test_the_epoch_the_time_limit_ends_is_scored(monkeypatch):
    budget = callbacks.TimeBudget(1e-9)
    quality = callbacks.QualityMonitor(every=100, total_epochs=50, budget=budget)
    measured = []

    def measure(epoch):
        measured.append(epoch)
        return {"fid": 1.0, "inception_score": 9.0, "classes_covered": 10}

    monkeypatch.setattr(quality, "measure", measure)

    class Model:
        stop_training = False

    model = Model()
    for callback in (quality, budget):
        callback.set_model(model)
        callback.on_train_begin()
    logs = {}
    quality.on_epoch_end(0, logs)
    budget.on_epoch_end(0, logs)
    assert measured == [1] and logs["fid"] == 1.0 and model.stop_training and budget.stopped


def test_the_steps_from_the_paper_to_the_package_cover_every_difference():
    moved = [key for _, keys in recipe.PAPER_TO_PACKAGE for key in keys]
    assert sorted(moved) == sorted(PAPER_SETTINGS) and len(moved) == len(set(moved))
    assert recipe.recipe_step(0) == training_config(**PAPER_SETTINGS)
    assert recipe.recipe_step(len(recipe.PAPER_TO_PACKAGE)) == training_config()
    second = recipe.recipe_step(2, steps=10)
    assert (second["g_filters"], second["learning_rate"], second["r1_weight"], second["steps"]) == (32, 2e-3, 0.0, 10)
    with pytest.raises(ValueError, match="between 0 and 5"):
        recipe.recipe_step(6)
