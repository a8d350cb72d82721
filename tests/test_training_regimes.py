"""The three regimes of Luo et al. (2021) from simulation: the sign of the slope of
log RD(theta_w) against log m at NTK (1/2, 0), mean-field (1, 0) and a condensed
point (1.75, 0), on the paper's 1-D data (four points, y = x^2)."""

import jax.random as jr
import numpy as np
import pytest

import dmft


POINTS = (
    dmft.ScalingExponents(0.5, 0.0),  # NTK: linear, RD ~ m^(-1/2)
    dmft.ScalingExponents(1.0, 0.0),  # mean-field: critical, RD = O(1)
    dmft.ScalingExponents(1.75, 0.0),  # condensed, RD grows with m
)


def _check_signs(sweep, zero_band):
    ntk, mean_field, condensed = range(3)
    # Linear: negative beyond two standard errors, and for every seed alone.
    assert sweep.slope[ntk] + 2 * sweep.slope_stderr[ntk] < 0
    assert np.all(sweep.seed_slopes[ntk] < 0)
    # Critical: about zero; the band is the measured seed-to-seed spread (below).
    assert abs(sweep.slope[mean_field]) < zero_band
    # Condensed: positive beyond three standard errors, and for every seed alone.
    assert sweep.slope[condensed] - 3 * sweep.slope_stderr[condensed] > 0
    assert np.all(sweep.seed_slopes[condensed] > 0)
    assert np.all(sweep.converged_fraction == 1)
    assert [p.regime for p in sweep.exponents] == ["linear", "critical", "condensed"]


def test_slope_signs_quick():
    # m = 64 ... 256, 3 seeds, one compiled program (~20 s on 2 shared cores).
    # Measured (float64, key 0): slopes -0.43 +- 0.13 (seeds -0.39, -0.57, -0.33),
    # 0.05 +- 0.09 (seeds 0.06, -0.07, 0.15), 0.44 +- 0.04 (seeds 0.45, 0.39, 0.48).
    # So the mean-field band is 0.2: twice the largest |seed slope| / sqrt(3) spread.
    sweep = dmft.width_sweep(jr.key(0), POINTS, [64, 128, 256], 3, dmft.luo_data())
    _check_signs(sweep, zero_band=0.2)


@pytest.mark.slow
def test_slope_signs_paper_widths():
    # The paper's range begins at m = 1000; here m = 1000 ... 8000, 4 seeds, one
    # compilation per width (run time dominates). NTK's slope approaches -1/2.
    sweep = dmft.width_sweep(
        jr.key(1),
        POINTS,
        [1000, 2000, 4000, 8000],
        4,
        dmft.luo_data(),
        one_program=False,
    )
    _check_signs(sweep, zero_band=0.1)
    assert -0.75 < sweep.slope[0] < -0.25
