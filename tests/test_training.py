"""Two-layer ReLU training: the normalised flow against autodiff and finite
differences, gradient flow against small-step gradient descent, the stopping Event,
named initialisations against the definitions of (gamma, gamma'), bad input."""

import math

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
import pytest

import dmft


def _physical_gradient(model, data):
    return jax.grad(dmft.squared_loss)(model, data)


def test_normalised_flow_matches_autodiff_and_finite_differences(getkey):
    # The hand-derived normalised vector field against jax.grad of the physical loss
    # R(a, w) = (1/2n) sum (f - y)^2, mapped by the chain rule:
    # d a_bar/ds = -(alpha / beta1) dR/da, d w_bar/ds = -(alpha / beta2) dR/dw.
    data = dmft.TrainingData(
        x=jr.uniform(getkey(), (7, 2), minval=-1, maxval=1), y=jr.normal(getkey(), (7,))
    )
    init = dmft.Initialisation(width=13, alpha=2.5, beta1=0.7, beta2=1.9)
    model = init.sample(getkey(), 3)
    state = (model.a / init.beta1, model.w / init.beta2)
    args = (init.kappa, init.kappa_prime, data.inputs, data.y)
    da, dw = dmft.normalised_vector_field(0.0, state, args)
    grad = _physical_gradient(model, data)
    # Both sides are exact formulas in float64: agreement to round-off (1e-12).
    np.testing.assert_allclose(da, -init.alpha / init.beta1 * grad.a, rtol=1e-12)
    np.testing.assert_allclose(dw, -init.alpha / init.beta2 * grad.w, rtol=1e-12)

    # And jax.grad itself against central differences of the loss (h = 1e-6: the
    # truncation error h^2 * R''' ~ 1e-12 and round-off eps * R / h ~ 1e-10 set 1e-7).
    h = 1e-6
    loss = jax.jit(dmft.squared_loss)
    for k, j in [(0, 0), (5, 1), (12, 2)]:
        plus = eqx.tree_at(lambda m: m.w, model, model.w.at[k, j].add(h))
        minus = eqx.tree_at(lambda m: m.w, model, model.w.at[k, j].add(-h))
        fd = (loss(plus, data) - loss(minus, data)) / (2 * h)
        assert abs(fd - grad.w[k, j]) < 1e-7 * max(1.0, abs(grad.w[k, j]))
        plus = eqx.tree_at(lambda m: m.a, model, model.a.at[k].add(h))
        minus = eqx.tree_at(lambda m: m.a, model, model.a.at[k].add(-h))
        fd = (loss(plus, data) - loss(minus, data)) / (2 * h)
        assert abs(fd - grad.a[k]) < 1e-7 * max(1.0, abs(grad.a[k]))


def test_gradient_flow_is_the_small_step_limit_of_gradient_descent(getkey):
    # Same initialisation, physical time t = alpha * s. Explicit gradient descent
    # theta <- theta - eta grad R is Euler's method for the flow: its error is
    # C * eta + O(eta^2). We check (i) first order: halving eta halves the error
    # (ratio in [0.4, 0.6]) and (ii) the size: error(eta) <= 2 * |GD(eta) - GD(eta/2)|
    # (Richardson: GD(eta) - GD(eta/2) ~ C eta / 2). The ODE is solved to rtol 1e-10,
    # far below the GD errors (~1e-5).
    # ReLU makes the flow non-smooth where a pre-activation w_k . x_i crosses 0. A
    # neuron that *slides* along such a kink (Filippov) makes GD chatter, and then
    # GD approaches the flow more slowly than first order; the fixed key below is a
    # draw without sliding (the ratio check would fail otherwise).
    data = dmft.luo_data()
    init = dmft.Initialisation.from_exponents(dmft.ScalingExponents(0.5, 0.0), 20)
    key = jr.key(3)
    s_end = 3.0
    options = dmft.TrainingOptions(
        loss_tol=1e-30,
        max_time=s_end,
        stepsize_controller=diffrax.PIDController(rtol=1e-10, atol=1e-12),
    )
    result = dmft.train(key, init, data, options)
    assert result.result == dmft.RESULTS.time_limit
    assert float(result.time) == pytest.approx(s_end)

    initial = init.sample(key, 2)
    t_end = float(init.alpha) * s_end

    def descend(eta):
        steps = round(t_end / eta)

        def step(model, _):
            grad = _physical_gradient(model, data)  # alpha is a constant, not trained
            return eqx.tree_at(
                lambda m: (m.a, m.w),
                model,
                (model.a - eta * grad.a, model.w - eta * grad.w),
            ), None

        params, _ = jax.lax.scan(step, initial, length=steps)
        return params

    errors, gds = [], []
    for eta in (4e-3, 2e-3):
        gd = descend(eta)
        gds.append(gd.w)
        errors.append(float(jnp.max(jnp.abs(gd.w - result.final.w))))
    assert 0.4 < errors[1] / errors[0] < 0.6
    assert errors[0] <= 2 * float(jnp.max(jnp.abs(gds[0] - gds[1])))
    # The training did move the weights (not a vacuous comparison).
    assert float(result.relative_distance) > 10 * errors[0] / float(
        jnp.linalg.norm(initial.w)
    )


def test_training_stops_on_the_loss_event(getkey):
    data = dmft.luo_data()
    init = dmft.Initialisation.from_exponents(dmft.ScalingExponents(1.0, 0.0), 50)
    options = dmft.TrainingOptions(loss_tol=1e-3)
    result = dmft.train(getkey(), init, data, options)
    assert result.result == dmft.RESULTS.successful
    assert float(result.time) < options.max_time
    # The loss recomputed from the returned physical network (independent of the
    # normalised variables the solver used) is the reported one, below tolerance.
    loss = dmft.squared_loss(result.final, data)
    assert float(loss) == pytest.approx(float(result.loss), rel=1e-10)
    assert float(loss) < 1e-3
    # RD recomputed from the physical weights: invariant under w = beta2 * w_bar.
    rd = jnp.linalg.norm(result.final.w - result.initial.w) / jnp.linalg.norm(
        result.initial.w
    )
    assert float(rd) == pytest.approx(float(result.relative_distance), rel=1e-10)


def test_out_of_steps_is_reported_or_raised(getkey):
    data = dmft.luo_data()
    init = dmft.Initialisation.from_exponents(dmft.ScalingExponents(1.0, 0.0), 20)
    options = dmft.TrainingOptions(max_steps=3)
    key = getkey()
    result = dmft.train(key, init, data, options, throw=False)
    assert result.result == dmft.RESULTS.max_steps_reached
    with pytest.raises(Exception, match="ran out of steps"):
        dmft.train(key, init, data, options)


def test_padding_neurons_change_nothing(getkey):
    # Zero neurons are fixed points of the flow: a width-30 network padded to 50
    # trains exactly like the same 30 neurons alone (same draws, placed first).
    data = dmft.luo_data()
    init = dmft.Initialisation.from_exponents(dmft.ScalingExponents(1.0, 0.0), 30)
    key = getkey()
    padded = dmft.train(key, init, data, padded_width=50)
    assert np.all(padded.final.w[30:] == 0) and np.all(padded.final.a[30:] == 0)
    alone = init.sample(key, 2, 50)
    small = dmft.TwoLayerReLU(a=alone.a[:30], w=alone.w[:30], alpha=alone.alpha)
    np.testing.assert_allclose(small(data.inputs), padded.initial(data.inputs))
    assert padded.result == dmft.RESULTS.successful


@pytest.mark.parametrize("name", dmft.NAMED_INITIALISATIONS)
def test_named_initialisations_have_their_exponents(name):
    # gamma = -lim log(kappa) / log m from the scales themselves: the log-log slope
    # between m = 1e10 and 1e12 removes the constant prefactors (e.g. sqrt(2), d);
    # what remains is O(1/m) from Xavier's m + 1, m + d, so 1e-9 is generous.
    d = 2
    small, large = (dmft.named_initialisation(name, m, d) for m in (10**10, 10**12))
    logm = math.log(1e12) - math.log(1e10)
    gamma = -(math.log(large.kappa) - math.log(small.kappa)) / logm
    gamma_prime = -(math.log(large.kappa_prime) - math.log(small.kappa_prime)) / logm
    expected = dmft.named_exponents(name)
    assert gamma == pytest.approx(expected.gamma, abs=1e-9)
    assert gamma_prime == pytest.approx(expected.gamma_prime, abs=1e-9)


def test_named_points_sit_in_the_paper_regimes():
    # Luo et al. (2021), Fig. 3: NTK, LeCun, He linear; Xavier, mean-field critical.
    regimes = {n: dmft.named_exponents(n).regime for n in dmft.NAMED_INITIALISATIONS}
    assert regimes["ntk"] == regimes["lecun"] == regimes["he"] == "linear"
    assert regimes["xavier"] == regimes["mean-field"] == "critical"


@pytest.mark.parametrize(
    "gamma, gamma_prime, regime",
    [
        (0.5, 0.0, "linear"),
        (0.9, -3.0, "linear"),  # gamma < 1 wins whatever gamma'
        (1.5, 0.8, "linear"),  # gamma' > gamma - 1
        (1.0, 0.0, "critical"),
        (1.0, -2.0, "critical"),  # gamma = 1, gamma' <= 0
        (1.5, 0.5, "critical"),  # gamma' = gamma - 1
        (1.75, 0.0, "condensed"),
        (2.0, 0.5, "condensed"),
    ],
)
def test_regime_from_exponents(gamma, gamma_prime, regime):
    assert dmft.ScalingExponents(gamma, gamma_prime).regime == regime


def test_from_exponents_realises_kappa():
    init = dmft.Initialisation.from_exponents(dmft.ScalingExponents(1.75, -0.5), 1000)
    assert float(init.kappa) == pytest.approx(1000**-1.75, rel=1e-12)
    assert float(init.kappa_prime) == pytest.approx(1000**0.5, rel=1e-12)


def test_bad_input_is_rejected_before_work(getkey):
    with pytest.raises(ValueError, match="finite"):
        dmft.ScalingExponents(math.nan, 0.0)
    with pytest.raises(ValueError, match="finite"):
        dmft.ScalingExponents(0.5, math.inf)
    with pytest.raises(ValueError, match="width"):
        dmft.Initialisation.from_exponents(dmft.ScalingExponents(0.5, 0.0), 0)
    with pytest.raises(ValueError, match="width"):
        dmft.Initialisation(width=0, alpha=1.0, beta1=1.0, beta2=1.0)
    with pytest.raises(ValueError, match="beta1"):
        dmft.Initialisation(width=3, alpha=1.0, beta1=-1.0, beta2=1.0)
    with pytest.raises(ValueError, match="empty"):
        dmft.TrainingData(x=np.zeros((0,)), y=np.zeros((0,)))
    with pytest.raises(ValueError, match="points"):
        dmft.TrainingData(x=np.zeros(3), y=np.zeros(2))
    with pytest.raises(ValueError, match="finite"):
        dmft.TrainingData(x=np.array([0.0, np.nan]), y=np.zeros(2))
    with pytest.raises(ValueError, match="unknown initialisation"):
        dmft.named_initialisation("glorot-ish", 10, 2)
    with pytest.raises(ValueError, match="loss_tol"):
        dmft.TrainingOptions(loss_tol=math.nan)
    point = dmft.ScalingExponents(0.5, 0.0)
    with pytest.raises(ValueError, match="two distinct widths"):
        dmft.width_sweep(getkey(), point, [10, 10], 2, dmft.luo_data())
    with pytest.raises(ValueError, match="width must be >= 1"):
        dmft.width_sweep(getkey(), point, [0, 10], 2, dmft.luo_data())
    with pytest.raises(ValueError, match="seeds"):
        dmft.width_sweep(getkey(), point, [5, 10], 0, dmft.luo_data())
    # Exponents whose scales m^(-(g +- g')/2) would underflow: named, with the range.
    with pytest.raises(ValueError, match=r"`gamma` must be in \[-"):
        dmft.Initialisation.from_exponents(dmft.ScalingExponents(1e6, 0.0), 1000)
    with pytest.raises(ValueError, match="`gamma_prime` must be in"):
        dmft.width_sweep(
            getkey(), dmft.ScalingExponents(1.0, -1e3), [5, 10], 1, dmft.luo_data()
        )


def test_fit_log_slope_against_scipy_linregress():
    # The pooled least-squares slope and its standard error are those of ordinary
    # linear regression of log RD on log m over all (width, seed) pairs; the seed
    # slopes those of each seed alone (scipy.stats.linregress; rounding, 1e-12).
    from scipy import stats

    rng = np.random.default_rng(3)
    widths = np.array([100, 200, 400, 800])
    rd = np.exp(-0.4 * np.log(widths)[:, None] + 0.1 * rng.normal(size=(4, 3)))
    slope, stderr, seed_slopes = dmft.fit_log_slope(widths, rd)
    x = np.repeat(np.log(widths), 3)
    fit = stats.linregress(x, np.log(rd).reshape(-1))
    assert slope == pytest.approx(fit.slope, rel=1e-12)
    assert stderr == pytest.approx(fit.stderr, rel=1e-12)
    for s in range(3):
        alone = stats.linregress(np.log(widths), np.log(rd[:, s]))
        assert seed_slopes[s] == pytest.approx(alone.slope, rel=1e-12)
