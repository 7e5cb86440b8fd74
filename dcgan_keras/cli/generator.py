"""``sample`` and ``evaluate``: what a saved generator draws, and how good it is."""

import json
import pathlib

from dcgan_keras.cli.arguments import UsageError

__all__ = ["load_generator_file", "sample", "evaluate"]


def load_generator_file(path, latent_dim=None):
    """Load a generator saved as .keras with safe mode, or raise UsageError saying what is wrong."""
    path = pathlib.Path(path)
    if not path.exists():
        raise UsageError(f"generator file {path} does not exist (training writes it as OUT/generator.keras)")
    if path.suffix != ".keras":
        raise UsageError(f"{path} is not a Keras model file: expected a .keras file such as runs/dcgan/generator.keras")
    import dcgan_keras

    dcgan_keras.register_keras_classes()  # imports TensorFlow without its start-up lines
    from dcgan_keras.models import load_generator

    try:
        model = load_generator(path)
    except Exception as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else ""
        raise UsageError(f"{path} could not be loaded as a Keras model ({type(exc).__name__}: {first_line}); "
                         "is it a generator saved by this package?") from exc
    if len(model.inputs) != 1 or len(model.input_shape) != 2 or len(model.output_shape) != 4:
        raise UsageError(f"{path} is not a generator: it maps {model.input_shape} to {model.output_shape}, "
                         "not noise (batch, latent_dim) to images (batch, height, width, channels)")
    if latent_dim is not None and model.input_shape[-1] != latent_dim:
        raise UsageError(f"{path} was built for latent size {model.input_shape[-1]}, not {latent_dim}")
    return model


def sample(args):
    if args.n < 1:
        raise UsageError(f"--n must be at least 1 image, got {args.n}")
    out = pathlib.Path(args.out)
    if out.suffix.lower() != ".png":
        raise UsageError(f"--out must name a .png file, got {out}")
    from dcgan_keras.internal.files import check_writable_dir

    try:
        check_writable_dir(out.parent if str(out.parent) else ".")
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    generator = load_generator_file(args.generator, args.latent_dim)

    import numpy as np

    from dcgan_keras.gan import generate_from_noise
    from dcgan_keras.images import image_grid, save_png

    z = np.random.default_rng(args.seed).standard_normal((args.n, generator.input_shape[-1])).astype(np.float32)
    grid = image_grid(generate_from_noise(generator, z))
    save_png(np.kron(grid, np.ones((2, 2, 1), np.uint8)), out)
    print(f"wrote {args.n} samples to {out}")
    return 0


def evaluate(args):
    generator = load_generator_file(args.generator)
    if tuple(generator.output_shape[1:]) != (28, 28, 1):
        raise UsageError(f"{args.generator} makes images of shape {generator.output_shape[1:]}; the MNIST quality "
                         "measure needs 28x28x1 digits")
    import numpy as np

    from dcgan_keras.gan import generate_from_noise
    from dcgan_keras.metrics import quality_report

    rng = np.random.default_rng(args.seed)  # the first draw is the one a single draw scores
    draws = [generate_from_noise(generator, rng.standard_normal((args.n, generator.input_shape[-1])).astype(np.float32))
             for _ in range(args.draws)]
    reports = [quality_report(images) for images in draws]
    memorisation = _memorisation(args, draws[0])
    if args.draws == 1:
        print(json.dumps({**reports[0], **memorisation}, indent=2))
        return 0
    fids = np.array([r["fid"] for r in reports])
    counts = np.sum([r["class_counts"] for r in reports], axis=0)
    total = args.draws * args.n
    print(json.dumps({
        "draws": args.draws, "n": args.n, "fid": float(fids.mean()), "fid_sd": float(fids.std(ddof=1)),
        "fid_per_draw": [float(f) for f in fids],
        "inception_score": float(np.mean([r["inception_score"] for r in reports])),
        "class_counts": [int(c) for c in counts], "min_class_fraction": float(counts.min() / total),
        "classes_covered": int(np.sum(counts >= 0.05 * total)),
        "classes_covered_fewest": min(r["classes_covered"] for r in reports), **memorisation}, indent=2))
    return 0


def _memorisation(args, samples):
    """``{"memorisation": ...}`` for the first draw, or ``{}`` (with a note saying why) when it cannot be had."""
    import sys

    source = args.train_data
    if source == "auto":
        run_file = pathlib.Path(args.generator).with_name("run.json")
        source = json.loads(run_file.read_text()).get("data") if run_file.exists() else None
        if source not in ("embedded", "full"):
            print("note: no memorisation check: say which digits the generator trained on with --train-data",
                  file=sys.stderr)
            return {}
    if source == "none":
        return {}
    from dcgan_keras import data
    from dcgan_keras.metrics import memorisation_report

    try:
        test_images, _ = data.load_cached_mnist("test")
    except (FileNotFoundError, ValueError) as exc:
        print(f"note: no memorisation check: it compares with MNIST's unseen test digits, and {exc}", file=sys.stderr)
        return {}
    train_images, _ = data.load_mnist(source)
    report = memorisation_report(samples, train_images, test_images)
    return {"memorisation": {"trained_on": source, **report}}
