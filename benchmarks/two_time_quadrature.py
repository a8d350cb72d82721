"""Benchmark: dmft.solve_two_time_quadrature against dmft.solve_two_time on the problem
of `dmft transient`'s defaults, accuracy beside time.

Problem: tanh, g = 2, h(0) ~ N(0, 0.5), t in [0, 100] on `--times` points (501: dt =
0.2). Both solvers integrate the same discretisation; the quadrature solver propagates
the Gaussian process's mean and covariance (no sampling), the sampled one iterates M
paths (`--samples`, `--passes`, several `--keys`). The reference is SCS's stationary
solution from `dmft.solve_stationary` (checked against an independent SciPy
integration in tests/test_twotime_stationary.py): the late-window averages (t in
[50, 100]) of q(t) = Delta(0) and C(t, t - 5) = Delta(5), as `dmft transient` reports
them.

Reported: wall and CPU seconds after compilation (and compilation apart), the relative
errors of Delta(0) and Delta(5) (for the sampled solver: each key's, their mean and
spread), the ratio of wall times, and the load average.

    python benchmarks/two_time_quadrature.py [--times 501] [--samples 2000]
        [--passes 32] [--keys 4] [--json]
"""

import argparse
import json
import os
import time

import jax


jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import jax.random as jr  # noqa: E402
import numpy as np  # noqa: E402

import dmft  # noqa: E402


G, Q0, T1, LATE, TAUS = 2.0, 0.5, 100.0, 50.0, (0.0, 5.0)


def _timed(fn):
    cpu, wall = time.process_time(), time.perf_counter()
    out = fn()
    jax.block_until_ready(out.C)
    return time.perf_counter() - wall, time.process_time() - cpu, out


def _errors(sol, reference):
    return [
        float(sol.late_window(LATE, tau)[0] / r - 1) for tau, r in zip(TAUS, reference)
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=501)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--passes", type=int, default=32)
    parser.add_argument("--keys", type=int, default=4)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    ensemble = dmft.NetworkEnsemble(sigma_w=G)
    initial = dmft.GaussianInitial(0.0, Q0)
    ts = jnp.linspace(0.0, T1, args.times)
    stationary = dmft.solve_stationary(ensemble)
    reference = np.asarray(
        dmft.stationary_autocorrelation(ensemble, stationary, jnp.asarray(TAUS))
    )

    def quadrature():
        return dmft.solve_two_time_quadrature(ensemble, ts, initial)

    options = dmft.TwoTimeOptions(
        n_samples=args.samples, passes=args.passes, response_samples=0
    )

    def sampled(key):
        return dmft.solve_two_time(ensemble, ts, initial, key=key, options=options)

    first, _, _ = _timed(quadrature)
    q_wall, q_cpu, q_sol = _timed(quadrature)
    keys = jr.split(jr.key(0), args.keys)
    s_first, _, _ = _timed(lambda: sampled(keys[0]))
    s_runs = [_timed(lambda k=k: sampled(k)) for k in keys]
    s_errors = np.array([_errors(sol, reference) for *_, sol in s_runs])
    s_wall = float(np.mean([w for w, *_ in s_runs]))
    result = {
        "times": args.times,
        "dt": T1 / (args.times - 1),
        "reference_delta0_delta5": reference.tolist(),
        "quadrature_s": q_wall,
        "quadrature_cpu_s": q_cpu,
        "quadrature_compile_s": first - q_wall,
        "quadrature_iterations_per_step": int(q_sol.iterations) / (args.times - 1),
        "quadrature_rel_err_delta0_delta5": _errors(q_sol, reference),
        "sampled_samples": args.samples,
        "sampled_passes": args.passes,
        "sampled_s": s_wall,
        "sampled_cpu_s": float(np.mean([c for _, c, _ in s_runs])),
        "sampled_compile_s": s_first - s_wall,
        "sampled_rel_err_delta0_delta5_per_key": s_errors.tolist(),
        "sampled_rel_err_mean": s_errors.mean(axis=0).tolist(),
        "sampled_rel_err_spread": s_errors.std(axis=0, ddof=1).tolist(),
        "ratio_sampled_over_quadrature_s": s_wall / q_wall,
        "load_average": os.getloadavg()[0],
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
