"""`dmft simulate`: a finite random network, its stationary statistics and exponent."""

from typing import Annotated

from ._app import (
    DiscreteStepOption,
    GOption,
    JsonOption,
    MeanBOption,
    MeanWOption,
    NoiseOption,
    PhiOption,
    SeedOption,
    SigmaBOption,
    TauOption,
    app,
    check_discrete_step,
    check_memory,
    check_result,
    check_seed,
    check_taus,
    check_writable_folder,
    emit,
    option,
    parse_phi,
)
from ._save import OutOption, save_simulate


# Samples every DT and renormalises every INTERVAL (time units; for the map, the
# nearest whole number of steps); Delta(tau) up to MAX_LAG or the largest --tau.
DT, INTERVAL, MAX_LAG = 0.1, 1.0, 20.0


@app.command("simulate")
def simulate(
    n: Annotated[int, option("--n", "Number of neurons N (>= 2).")] = 1000,
    g: GOption = 2.0,
    sigma_b: SigmaBOption = 0.0,
    noise: NoiseOption = 0.0,
    mean_w: MeanWOption = 0.0,
    mean_b: MeanBOption = 0.0,
    phi: PhiOption = "tanh",
    t1: Annotated[
        float, option("--t1", "End time of the run (units of the time constant).")
    ] = 300.0,
    t_burn: Annotated[
        float,
        option("--t-burn", "Burn-in discarded before measuring (units of time, < t1)."),
    ] = 100.0,
    seed: SeedOption = 0,
    tau: TauOption = None,
    lyapunov: Annotated[
        bool,
        option("--lyapunov", "Also measure the largest Lyapunov exponent (per time)."),
    ] = False,
    discrete_step: DiscreteStepOption = None,
    as_json: JsonOption = False,
    folder: OutOption = None,
) -> None:
    """Simulate one network: Delta0, Delta_inf, Delta(tau), mean, variance and,
    with --lyapunov, the largest Lyapunov exponent (per unit time)."""
    import jax.numpy as jnp
    import jax.random as jr

    import dmft

    # Everything is checked before any computation.
    if n < 2:
        raise ValueError(f"--n must be >= 2 (population statistics); got {n}.")
    check_seed(seed)
    if folder is not None:
        check_writable_folder(folder)
    check_discrete_step(discrete_step)
    taus = check_taus(tau, discrete_step)
    ensemble = dmft.NetworkEnsemble(
        parse_phi(phi),
        sigma_w=g,
        sigma_b=sigma_b,
        mean_w=mean_w,
        mean_b=mean_b,
        noise=noise,
    )
    if discrete_step is None:
        dynamics = dmft.ContinuousTime()
    else:
        dynamics = dmft.DiscreteTime(discrete_step)
    noisy = noise > 0
    sampling = dmft.network.window_sampling(
        t_burn, t1, dynamics=dynamics, dt=DT, max_lag=max([MAX_LAG, *taus]), noisy=noisy
    )
    interval = None
    if lyapunov:
        interval = dmft.network.lyapunov_window(
            t_burn, t1, dynamics=dynamics, interval=INTERVAL, noisy=noisy
        )
    check_memory(
        dmft.network.statistics_memory(n, t_burn, t1, sampling),
        f"--n {n} over a window of {t1 - t_burn:g}",
        "use a smaller --n or a shorter window (--t1 - --t-burn)",
    )

    key_net, key_stats, key_lyap = jr.split(jr.key(seed), 3)
    network = dmft.RateNetwork.sample(ensemble, key_net, n)
    stats = dmft.stationary_statistics(
        network,
        key_stats,
        t_burn,
        t1,
        sampling=sampling,
        dynamics=dynamics,
        throw=False,
    )
    if stats.result == dmft.RESULTS.max_steps_reached:
        # The CLI has no --max-steps: say which inputs make the dynamics too fast.
        raise RuntimeError(
            "the network's simulation took the solver's maximum number of steps: "
            f"with --g {g:g} and --noise {noise:g} the dynamics are too fast to "
            "integrate over this window; use a smaller --g, less --noise or a "
            "shorter window (--t1 - --t-burn)."
        )
    check_result(stats.result, dmft.RESULTS, "the network's simulation")
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
        spectrum = dmft.lyapunov_spectrum(
            network,
            key_lyap,
            t_burn,
            t1,
            interval=interval,
            dynamics=dynamics,
            throw=False,
        )
        check_result(spectrum.result, dmft.RESULTS, "the Lyapunov run")
        out["lyapunov"] = spectrum.largest
        out["lyapunov_stderr"] = spectrum.stderr[0]
    if folder is not None:
        parameters = dict(n=n, g=g, sigma_b=sigma_b, noise=noise, mean_w=mean_w)
        parameters.update(mean_b=mean_b, phi=phi, t1=t1, t_burn=t_burn, seed=seed)
        parameters.update(discrete_step=discrete_step, dt=sampling.dt)
        out["saved"] = save_simulate(
            folder,
            out,
            parameters,
            network,
            stats,
            dynamics,
            sampling.dt,
            jr.fold_in(key_net, 1),
        )
    emit(out, as_json)
