import jax
import jax.numpy as jnp
import pytest

import dmft


def test_defaults_and_fields():
    ens = dmft.NetworkEnsemble(sigma_w=2.0, sigma_b=0.3)
    assert isinstance(ens.phi, dmft.Tanh)
    assert float(ens.sigma_w) == 2.0 and float(ens.noise) == 0.0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"sigma_w": -1.0}, "sigma_w"),
        ({"sigma_w": float("nan")}, "sigma_w"),
        ({"sigma_b": -0.1}, "sigma_b"),
        ({"noise": float("inf")}, "noise"),
        ({"mean_w": float("nan")}, "mean_w"),
        ({"sigma_w": jnp.array([1.0, -2.0])}, "sigma_w"),
        ({"phi": "tanh"}, "phi"),
    ],
)
def test_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        dmft.NetworkEnsemble(**kwargs)


def test_traced_values_pass_through_vmap():
    # Ensembles built inside vmap carry traced parameters; they are checked where used.
    f = lambda g: dmft.NetworkEnsemble(sigma_w=g).sigma_w * 2  # noqa: E731
    assert jax.vmap(f)(jnp.array([1.0, 2.0])).tolist() == [2.0, 4.0]
