import keras
import numpy as np
import pytest

from dcgan_keras.layers import DownBlock, ResizeConvBlock, UpBlock
from dcgan_keras.models import build_discriminator, build_generator, downsampling_plan, upsampling_plan

SHAPES = [(28, 28, 1), (32, 32, 1), (32, 32, 3), (64, 64, 1), (64, 64, 3)]


@pytest.mark.parametrize("image_shape", SHAPES)
@pytest.mark.parametrize("upsampling", ["transpose", "resize"])
def test_generator_shapes_and_range(image_shape, upsampling):
    generator = build_generator(16, image_shape, base_filters=8, upsampling=upsampling)
    assert generator.output_shape == (None, *image_shape)
    z = np.random.default_rng(0).normal(size=(3, 16)).astype("float32") * 10
    images = np.asarray(generator(z, training=False))
    assert images.shape == (3, *image_shape)
    assert images.min() >= -1.0 and images.max() <= 1.0


@pytest.mark.parametrize("image_shape", SHAPES)
def test_discriminator_gives_one_logit(image_shape):
    discriminator = build_discriminator(image_shape, base_filters=8)
    assert discriminator.output_shape == (None, 1)
    x = np.random.default_rng(0).uniform(-1, 1, size=(2, *image_shape)).astype("float32")
    assert discriminator(x).shape == (2, 1)


def test_upsampling_plan():
    assert upsampling_plan((28, 28, 1)) == (7, 7, 2)
    assert upsampling_plan((32, 32, 3)) == (4, 4, 3)
    assert upsampling_plan((64, 64, 3)) == (4, 4, 4)
    assert upsampling_plan((8, 16, 1)) == (4, 8, 1)


def test_downsampling_plan_ends_at_4x4_or_smaller():
    assert downsampling_plan((28, 28, 1)) == (4, 4, 3)  # 28 -> 14 -> 7 -> 4
    assert downsampling_plan((32, 32, 3)) == (4, 4, 3)
    assert downsampling_plan((64, 64, 3)) == (4, 4, 4)
    assert downsampling_plan((8, 16, 1)) == (2, 4, 2)
    with pytest.raises(ValueError, match="cannot produce"):
        downsampling_plan((27, 27, 1))


@pytest.mark.parametrize("image_shape", SHAPES)
@pytest.mark.parametrize("kernel_size", [3, 4])
def test_discriminator_follows_its_plan(image_shape, kernel_size):
    discriminator = build_discriminator(image_shape, base_filters=4, kernel_size=kernel_size)
    downs = [layer for layer in discriminator.layers if isinstance(layer, DownBlock)]
    height, width, halvings = downsampling_plan(image_shape)
    assert len(downs) == halvings
    assert downs[-1].output.shape == (None, height, width, 4 * 2 ** (halvings - 1))
    assert all(block.conv.kernel_size == (kernel_size, kernel_size) for block in downs)


@pytest.mark.parametrize("bad", [(27, 27, 1), (6, 6, 1), (28, 28), "28x28", (0, 28, 1)])
def test_impossible_image_shapes_raise(bad):
    with pytest.raises(ValueError, match="image_shape|cannot produce"):
        build_generator(8, bad)


def test_dcgan_guidelines_hold():
    generator = build_generator(100, (28, 28, 1))
    discriminator = build_discriminator((28, 28, 1))
    g_layers = generator.layers
    d_layers = discriminator.layers
    # 1. no pooling anywhere
    for layer in g_layers + d_layers:
        assert "Pooling" not in type(layer).__name__
    # 2. BatchNorm in every hidden generator block; none at the output or the discriminator's input
    assert all(block.norm is not None for block in g_layers if isinstance(block, UpBlock))
    downs = [layer for layer in d_layers if isinstance(layer, DownBlock)]
    assert downs[0].norm is None and all(block.norm is not None for block in downs[1:])
    assert not isinstance(g_layers[-2], keras.layers.BatchNormalization)
    # 3. the only Dense layers: the noise projection and the one-logit output
    assert [layer.name for layer in g_layers if isinstance(layer, keras.layers.Dense)] == ["project"]
    assert [layer.units for layer in d_layers if isinstance(layer, keras.layers.Dense)] == [1]
    # 4. ReLU in the generator, tanh output
    assert g_layers[-1].activation is keras.activations.tanh
    # 5. LeakyReLU 0.2 in the discriminator
    assert all(block.act.negative_slope == pytest.approx(0.2) for block in downs)


def test_resize_generator_uses_resize_blocks():
    generator = build_generator(8, (32, 32, 1), base_filters=4, upsampling="resize")
    assert any(isinstance(layer, ResizeConvBlock) for layer in generator.layers)
    assert not any(isinstance(layer, keras.layers.Conv2DTranspose) for layer in generator.layers)


@pytest.mark.parametrize("builder", ["generator", "discriminator"])
def test_models_round_trip_through_keras_file(tmp_path, builder):
    model = build_generator(8, (28, 28, 1), 8) if builder == "generator" else build_discriminator((28, 28, 1), 8)
    x = np.random.default_rng(0).normal(size=(2, *model.input_shape[1:])).astype("float32")
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", safe_mode=True)
    np.testing.assert_allclose(loaded(x, training=False), model(x, training=False), atol=1e-6)
    assert not any(isinstance(layer, keras.layers.Lambda) for layer in loaded.layers)


@pytest.mark.parametrize("upsampling", ["transpose", "resize"])
def test_refine_blocks_keep_the_starting_size(upsampling):
    plain = build_generator(8, (28, 28, 1), base_filters=4, upsampling=upsampling)
    refined = build_generator(8, (28, 28, 1), base_filters=4, upsampling=upsampling, refine_blocks=2)
    blocks = [layer for layer in refined.layers if layer.name.startswith("refine_")]
    assert [block.name for block in blocks] == ["refine_1", "refine_2"]
    for block in blocks:  # 7x7 maps of 2 * 4 channels in and out
        assert tuple(block.output.shape[1:]) == (7, 7, 8) == tuple(block.input.shape[1:])
    assert refined.output_shape == plain.output_shape == (None, 28, 28, 1)
    assert refined.count_params() > plain.count_params()
    if upsampling == "resize":  # still free of transposed convolutions
        assert not any(isinstance(block, UpBlock) for block in refined.layers)


def test_refined_generator_round_trips_through_keras_file(tmp_path):
    model = build_generator(8, (28, 28, 1), 4, refine_blocks=1)
    z = np.random.default_rng(0).normal(size=(2, 8)).astype("float32")
    model.save(tmp_path / "g.keras")
    loaded = keras.saving.load_model(tmp_path / "g.keras", safe_mode=True)
    np.testing.assert_allclose(loaded(z, training=False), model(z, training=False), atol=1e-6)


@pytest.mark.parametrize("bad", [dict(latent_dim=0), dict(latent_dim=-1), dict(base_filters=0),
                                 dict(upsampling="deconv"), dict(refine_blocks=-1), dict(refine_blocks=True),
                                 dict(refine_blocks=1.5)])
def test_bad_generator_arguments_raise(bad):
    with pytest.raises(ValueError):
        build_generator(**bad)
