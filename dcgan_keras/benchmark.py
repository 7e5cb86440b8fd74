"""``python -m dcgan_keras benchmark``: training throughput by mode, and quality against wall-clock time.

Throughput: for each batch size and mode, fresh networks are built, the compiled train
step is traced and warmed up, then ``windows`` windows of ``window_steps`` steps are
timed; the median images/s is reported with its min and max. A plain reference loop
(two ``GradientTape`` s in one ``tf.function``, float32, the same networks) runs in the
same process, and every mode is given as a ratio to it. The multiply-adds of one
training step are counted from the layer shapes and turned into achieved GFLOP/s,
printed beside the GFLOP/s of a large matrix multiply measured in the same run.

Quality (``--quality``): trains the default recipe and scores it (FID on 1,000 samples,
digits covered) when the training clock passes each budget; evaluation time is not
counted. ``--reference`` also trains the TensorFlow DCGAN tutorial's networks with its
hyperparameters (Adam 1e-4, batch 256) in the reference loop for twice the longest budget.
"""

import json
import pathlib
import statistics
import time

import keras
import numpy as np
import tensorflow as tf

from dcgan_keras.gan import DCGAN, default_optimizer, discriminator_loss, generator_loss
from dcgan_keras.internal.files import write_json
from dcgan_keras.layers import DownBlock, ResizeConvBlock, UpBlock
from dcgan_keras.models import build_discriminator, build_generator
from dcgan_keras.recipe import TRAINING_DEFAULTS

__all__ = ["MODES", "multiply_adds", "step_multiply_adds", "matmul_gflops", "reference_train_step",
           "measure_throughput", "tutorial_generator", "tutorial_discriminator", "quality_curve", "run_benchmark"]

#: mode name -> (dtype policy, jit_compile, steps_per_execution); "reference" is the plain loop.
#: Modes ending in "+r1" add the R1 penalty with the default weight (more work per step than the
#: reference does); the others time the plain DCGAN step.
MODES = {
    "reference": ("float32", False, 1),
    "function": ("float32", False, 1),
    "xla": ("float32", True, 1),
    "bfloat16": ("mixed_bfloat16", False, 1),
    "bfloat16+spe4": ("mixed_bfloat16", False, 4),
    "bfloat16+xla": ("mixed_bfloat16", True, 1),
    "bfloat16+r1": ("mixed_bfloat16", False, 1),  # the default recipe's step, R1 penalty included
    "float16": ("mixed_float16", False, 1),
}


def _conv_macs(layer, input_shape):
    output_shape = layer.compute_output_shape(input_shape)
    kh, kw = layer.kernel_size
    c_in, c_out = input_shape[-1], layer.filters
    if isinstance(layer, keras.layers.Conv2DTranspose):
        return input_shape[1] * input_shape[2] * kh * kw * c_in * c_out  # every input pixel scatters a kernel
    return output_shape[1] * output_shape[2] * kh * kw * c_in * c_out


def multiply_adds(model):
    """Multiply-adds of one forward pass of ``model`` for one example (convolutions and dense layers).

    Example:
        >>> multiply_adds(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]))
        6
    """
    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            total += multiply_adds(layer)
            continue
        if isinstance(layer, keras.layers.InputLayer):
            continue
        shape = tuple(layer.input.shape)
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose)):
            total += _conv_macs(layer, shape)
        elif isinstance(layer, keras.layers.Dense):
            total += int(np.prod(shape[1:])) * layer.units
        elif isinstance(layer, (DownBlock, UpBlock)):
            total += _conv_macs(layer.conv, shape)
        elif isinstance(layer, ResizeConvBlock):
            total += _conv_macs(layer.conv, layer.upsample.compute_output_shape(shape))
    return int(total)


def step_multiply_adds(generator, discriminator):
    """Multiply-adds of one training step per image, counting a backward pass as twice a forward one.

    One step runs G forward once and D forward on real and fake images (G + 2 D); the
    discriminator's loss is differentiated back through both D passes (4 D), the
    generator's through D's fake pass and G (2 D + 2 G): 3 G + 8 D in all. The reference
    loop does the same work, so their GFLOP/s compare directly.
    """
    return 3 * multiply_adds(generator) + 8 * multiply_adds(discriminator)


def matmul_gflops(n=2048, dtype=tf.float32, seconds=2.0):
    """GFLOP/s of an ``n`` x ``n`` matrix multiply, the machine's practical ceiling."""
    a = tf.random.normal((n, n), dtype=tf.float32)
    a, b = tf.cast(a, dtype), tf.cast(tf.transpose(a), dtype)
    matmul = tf.function(lambda x, y: tf.reduce_sum(tf.cast(tf.matmul(x, y)[:1, :1], tf.float32)))
    matmul(a, b).numpy()
    runs, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        matmul(a, b).numpy()
        runs += 1
    return 2 * n ** 3 * runs / (time.perf_counter() - started) / 1e9


def reference_train_step(generator, discriminator, d_optimizer, g_optimizer, latent_dim):
    """The straightforward train step: two ``GradientTape`` s in one ``tf.function``, float32."""

    @tf.function
    def step(real):
        z = tf.random.normal((tf.shape(real)[0], latent_dim))
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = generator(z, training=True)
            real_logits = discriminator(real, training=True)
            fake_logits = discriminator(fake, training=True)
            g_loss = tf.reduce_mean(generator_loss(fake_logits))
            d_loss = tf.reduce_mean(discriminator_loss(real_logits, fake_logits))
        g_optimizer.apply(g_tape.gradient(g_loss, generator.trainable_variables), generator.trainable_variables)
        d_optimizer.apply(d_tape.gradient(d_loss, discriminator.trainable_variables),
                          discriminator.trainable_variables)
        return d_loss, g_loss

    return step


def _images(batch_size):
    from dcgan_keras.data import load_mnist, scale_images

    images = scale_images(load_mnist("embedded")[0])
    return tf.data.Dataset.from_tensor_slices(images).shuffle(5000, seed=0).repeat().batch(
        batch_size, drop_remainder=True).prefetch(4)


def measure_throughput(mode, batch_size, windows=5, window_steps=20, warmup_steps=5, builders=None):
    """Images per second of one mode at one batch size: ``{"median", "min", "max", "windows"}``."""
    policy, jit, spe = MODES[mode]
    keras.config.set_dtype_policy(policy)
    keras.utils.set_random_seed(0)
    try:
        make_g, make_d = builders or (lambda: build_generator(), lambda: build_discriminator())
        generator, discriminator = make_g(), make_d()
        iterator = iter(_images(batch_size))
        if mode == "reference":
            d_opt, g_opt = default_optimizer(), default_optimizer()
            step = reference_train_step(generator, discriminator, d_opt, g_opt, generator.input_shape[-1])

            def run(n):
                for _ in range(n):
                    out = step(next(iterator))
                return float(out[0])
        else:
            r1_weight = TRAINING_DEFAULTS["r1_weight"] if mode.endswith("+r1") else 0.0
            gan = DCGAN(generator, discriminator, r1_weight=r1_weight, seed=0)
            gan.compile(jit_compile=jit, steps_per_execution=spe)
            gan.make_train_function()
            train_function = gan.train_function

            def run(n):
                for _ in range(max(1, n // spe)):
                    logs = train_function(iterator)
                return float(logs["d_loss"])

        run(max(warmup_steps, spe))  # trace, compile and warm up
        rates = []
        for _ in range(windows):
            started = time.perf_counter()
            run(window_steps)
            steps = max(1, window_steps // spe) * spe
            rates.append(steps * batch_size / (time.perf_counter() - started))
        return {"median": statistics.median(rates), "min": min(rates), "max": max(rates), "windows": rates}
    finally:
        keras.config.set_dtype_policy("float32")
        keras.backend.clear_session()


def tutorial_generator(latent_dim=100):
    """The TensorFlow DCGAN tutorial's generator (for the reference run of ``--quality --reference``)."""
    return keras.Sequential([
        keras.Input((latent_dim,)),
        keras.layers.Dense(7 * 7 * 256, use_bias=False), keras.layers.BatchNormalization(), keras.layers.LeakyReLU(),
        keras.layers.Reshape((7, 7, 256)),
        keras.layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False),
        keras.layers.BatchNormalization(), keras.layers.LeakyReLU(),
        keras.layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False),
        keras.layers.BatchNormalization(), keras.layers.LeakyReLU(),
        keras.layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False, activation="tanh"),
    ], name="tutorial_generator")


def tutorial_discriminator():
    """The TensorFlow DCGAN tutorial's discriminator (one logit)."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(64, 5, strides=2, padding="same"), keras.layers.LeakyReLU(), keras.layers.Dropout(0.3),
        keras.layers.Conv2D(128, 5, strides=2, padding="same"), keras.layers.LeakyReLU(), keras.layers.Dropout(0.3),
        keras.layers.Flatten(), keras.layers.Dense(1),
    ], name="tutorial_discriminator")


def quality_curve(budgets_minutes, recipe="default", n=1000, log=print):
    """Train ``recipe`` ("default" or "reference") and score it as the training clock passes each budget.

    The clock counts training steps only: not the first step's compilation, not the scoring.
    One run is scored at every budget, so its learning rates stay constant (no cooldown).

    Returns a list of ``{"minutes", "steps", "fid", "classes_covered", "min_class_fraction"}``.
    """
    from dcgan_keras.metrics import quality_report

    keras.utils.set_random_seed(0)
    budgets = sorted(budgets_minutes)
    if recipe == "reference":
        keras.config.set_dtype_policy("float32")
        generator, discriminator = tutorial_generator(), tutorial_discriminator()
        d_opt = keras.optimizers.Adam(1e-4)
        g_opt = keras.optimizers.Adam(1e-4)
        step = reference_train_step(generator, discriminator, d_opt, g_opt, 100)
        batch_size = 256
    else:
        from dcgan_keras.recipe import make_gan, training_config

        config = training_config()  # the command line's run, built by the same function
        gan = make_gan(config, seed=0)
        gan.make_train_function()
        train_function = gan.train_function
        batch_size = config["batch_size"]
    iterator = iter(_images(batch_size))
    # Compile the step before the clock starts (a few seconds, the same for both recipes).
    float(step(next(iterator))[0] if recipe == "reference" else train_function(iterator)["d_loss"])
    steps_per_call = 1 if recipe == "reference" else config["steps_per_execution"]
    results, trained, steps = [], 0.0, 0
    try:
        for budget in budgets:
            while trained < 60 * budget:
                started = time.perf_counter()
                for _ in range(10):
                    last = step(next(iterator))[0] if recipe == "reference" else train_function(iterator)["d_loss"]
                float(last)  # wait for the steps to finish before reading the clock
                trained += time.perf_counter() - started
                steps += 10 * steps_per_call
            if recipe == "reference":
                z = np.random.default_rng(777).standard_normal((n, 100)).astype(np.float32)
                images = np.concatenate([generator(z[i:i + 250], training=False) for i in range(0, n, 250)])
            else:
                images = gan.generate(n, seed=777)
            report = quality_report(images)
            row = {"minutes": budget, "steps": steps, "fid": round(report["fid"], 2),
                   "classes_covered": report["classes_covered"],
                   "min_class_fraction": round(report["min_class_fraction"], 3)}
            log(f"  {recipe:<9} {budget:>5g} min {steps:>6} steps  FID {row['fid']:>7.2f}  "
                f"{row['classes_covered']}/10 digits (rarest {100 * row['min_class_fraction']:.1f}%)")
            results.append(row)
    finally:
        keras.config.set_dtype_policy("float32")
    return results


def run_benchmark(args):
    """The ``benchmark`` command."""
    from dcgan_keras.internal.acceleration import cpu_has_bf16, gpus

    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    device = f"{len(gpus())} GPU(s)" if gpus() else "CPU only"
    result = {"device": device, "cpu_bf16": cpu_has_bf16(), "tensorflow": tf.__version__, "keras": keras.__version__}
    if args.quality:
        print(f"time to quality ({device}); evaluation time is not counted")
        result["quality"] = {"default": quality_curve(args.budgets)}
        if args.reference:
            result["quality"]["reference"] = quality_curve([2 * b for b in args.budgets], recipe="reference")
        write_json(out, result)
        print(f"wrote {out}")
        return 0

    modes = args.modes or [m for m in MODES if m != "float16" or gpus()]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        raise ValueError(f"unknown mode(s) {', '.join(unknown)}; choose from {', '.join(MODES)}")
    if "reference" not in modes:
        modes = ["reference", *modes]
    g, d = build_generator(), build_discriminator()
    macs = step_multiply_adds(g, d)
    keras.backend.clear_session()
    ceiling = matmul_gflops()
    ceiling_bf16 = matmul_gflops(dtype=tf.bfloat16) if cpu_has_bf16() else None
    print(f"device: {device}; one training step = {macs / 1e6:.1f} M multiply-adds per image")
    print(f"large matmul: {ceiling:.0f} GFLOP/s float32" + (f", {ceiling_bf16:.0f} GFLOP/s bfloat16"
                                                           if ceiling_bf16 else ""))
    result.update({"step_multiply_adds_per_image": macs, "matmul_gflops_float32": ceiling,
                   "matmul_gflops_bfloat16": ceiling_bf16, "throughput": {}})
    print(f"{'batch':>5} {'mode':<15} {'images/s (median, min-max)':>28} {'x reference':>11} {'GFLOP/s':>8}")
    for batch_size in args.batch_sizes:
        rows = {}
        for mode in modes:
            r = measure_throughput(mode, batch_size, args.windows, args.window_steps)
            r["ratio"] = r["median"] / rows["reference"]["median"] if "reference" in rows else 1.0
            r["gflops"] = 2 * macs * r["median"] / 1e9
            rows[mode] = r
            print(f"{batch_size:>5} {mode:<15} {r['median']:>10.0f} ({r['min']:.0f}-{r['max']:.0f}){'':>8} "
                  f"{r['ratio']:>10.2f}x {r['gflops']:>8.0f}", flush=True)
        result["throughput"][str(batch_size)] = rows
    write_json(out, result)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps(MODES))
