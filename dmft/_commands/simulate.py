"""`dmft simulate`: a finite random network, its stationary statistics and exponent."""

import math
from typing import Annotated

import jax.numpy as jnp
import jax.random as jr

from .._ensemble import NetworkEnsemble
from ..network._autocorrelation import check_lags
from ..network._continuous import ContinuousTime
from ..network._discrete import DiscreteTime
from ..network._dynamics import whole_steps
from ..network._lyapunov import lyapunov_spectrum
from ..network._network import RateNetwork
from ..network._statistics import Sampling, check_window, stationary_statistics
from ._app import (
    DiscreteStepOption,
    GOption,
    JsonOption,
    MeanBOption,
    MeanWOption,
    NoiseOption,
    PhiOption,
    SigmaBOption,
    TauOption,
    app,
    emit,
    option,
    parse_phi,
)
from ._save import OutOption, save_simulate


@app.command("simulate")
def simulate(
    n: Annotated[int, option("--n", "Number of neurons (>= 2).")] = 1000,
    g: GOption = 2.0,
    sigma_b: SigmaBOption = 0.0,
    noise: NoiseOption = 0.0,
    mean_w: MeanWOption = 0.0,
    mean_b: MeanBOption = 0.0,
    phi: PhiOption = "tanh",
    t1: Annotated[float, option("--t1", "End time of the run.")] = 300.0,
    t_burn: Annotated[float, option("--t-burn", "Burn-in discarded.")] = 100.0,
    seed: Annotated[int, option("--seed", "Random seed (network, h0, noise).")] = 0,
    tau: TauOption = None,
    lyapunov: Annotated[
        bool, option("--lyapunov", "Also measure the largest Lyapunov exponent.")
    ] = False,
    discrete_step: DiscreteStepOption = None,
    as_json: JsonOption = False,
    folder: OutOption = None,
) -> None:
    """Simulate one network: Delta0, Delta_inf, Delta(tau), mean, variance and,
    with --lyapunov, the largest Lyapunov exponent (per unit time)."""
    # Everything is checked before any computation.
    if n < 2:
        raise ValueError(f"--n must be >= 2 (population statistics); got {n}.")
    ensemble = NetworkEnsemble(
        parse_phi(phi),
        sigma_w=g,
        sigma_b=sigma_b,
        mean_w=mean_w,
        mean_b=mean_b,
        noise=noise,
    )
    check_window(t_burn, t1)
    taus = list(tau or ())
    if not all(math.isfinite(t) and t >= 0 for t in taus):
        raise ValueError(f"--tau must be finite and >= 0; got {taus}.")
    if discrete_step is None:
        dynamics = ContinuousTime()
        dt, interval = 0.1, 1.0
    else:
        dynamics = DiscreteTime(discrete_step)
        dt = discrete_step * max(1, round(0.1 / discrete_step))
        interval = discrete_step * max(1, round(1.0 / discrete_step))
    sampling = Sampling(dt=dt, max_lag=max([20.0, *taus]))
    check_lags(round((t1 - t_burn) / dt), dt, sampling.max_lag)
    noisy = noise > 0
    dynamics.check(noisy, dt=dt, **({"t_burn": t_burn} if t_burn > 0 else {}))
    if lyapunov:
        dynamics.check(noisy, interval=interval)
        if t_burn > 0:
            whole_steps(t_burn, interval, "t_burn")
        whole_steps(t1 - t_burn, interval, "t1 - t_burn")

    key_net, key_stats, key_lyap = jr.split(jr.key(seed), 3)
    network = RateNetwork.sample(ensemble, key_net, n)
    stats = stationary_statistics(
        network, key_stats, t_burn, t1, sampling=sampling, dynamics=dynamics
    )
    out = {
        "delta0": stats.delta0,
        "delta_inf": stats.delta_inf,
        "delta_tau": {
            str(float(t)): jnp.interp(t, stats.lags, stats.delta) for t in taus
        },
        "mean": stats.mean,
        "var": stats.var,
    }
    if lyapunov:
        spectrum = lyapunov_spectrum(
            network, key_lyap, t_burn, t1, interval=interval, dynamics=dynamics
        )
        out["lyapunov"] = spectrum.largest
        out["lyapunov_stderr"] = spectrum.stderr[0]
    if folder is not None:
        parameters = dict(n=n, g=g, sigma_b=sigma_b, noise=noise, mean_w=mean_w)
        parameters.update(mean_b=mean_b, phi=phi, t1=t1, t_burn=t_burn, seed=seed)
        parameters.update(discrete_step=discrete_step, dt=dt)
        out["saved"] = save_simulate(
            folder,
            out,
            parameters,
            network,
            stats,
            dynamics,
            dt,
            jr.fold_in(key_net, 1),
        )
    emit(out, as_json)
