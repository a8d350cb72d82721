"""Benchmark: dmft.solve_two_time against a plain NumPy implementation.

Problem: tanh, g = 2, h(0) ~ N(0, 0.5), T = 100 on a grid of `--times` points with
`--samples` paths. The peer is what a physicist writes from Roy et al. (2019): plain
Picard iteration over the whole grid, vectorised over samples, a Python loop over
exponential trapezoidal steps (dmft's step), BLAS for the O(M n^2) products (common random numbers, Cholesky factor of
sigma_w^2 C_phi with the same jitter, the same max-change tolerance, no damping),
float64. dmft runs its marching stage (`passes=0`: the independent passes that
remove the marching fixed point's O(1/M) bias are not timed), in windows of
`TwoTimeOptions.window` grid points (the same fixed point: tests/test_twotime.py),
and also plain Picard (`window = n - 1`) to separate the algorithm from the
implementation.

Reported: wall time per plain-Picard iteration at the full size (JAX: (t[k] - t[1]) /
(k - 1) for solves capped at k and at 1 iterations, compilation excluded and reported
apart; NumPy: mean of k iterations); wall time to convergence at `--converge-samples`
paths for dmft (marching), dmft (plain Picard, if `--picard`) and NumPy, with the
ratios; CPU seconds beside wall seconds (the CPU may be shared); and the largest
difference of E[phi(h(t))^2] between dmft and NumPy at convergence, which differ only
by their random numbers, beside the sampling error of that quantity.

    python benchmarks/two_time.py --json [--converge-samples 10000] [--picard] [--float32]
"""

import argparse
import json
import time

import jax


jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import jax.random as jr  # noqa: E402
import numpy as np  # noqa: E402

import dmft  # noqa: E402


G, Q0, T1, TOL, JITTER = 2.0, 0.5, 100.0, 1e-3, 1e-10


class NumpyTwoTime:
    """The plain-NumPy peer: one iteration maps (C_phi, m_phi) to new estimates."""

    def __init__(self, ts, n_samples, seed):
        rng = np.random.default_rng(seed)
        self.ts, self.M = ts, n_samples
        self.z = rng.standard_normal((n_samples, ts.size))
        self.h0 = np.sqrt(Q0) * rng.standard_normal(n_samples)

    def iterate(self, c_phi):
        cov = G**2 * 0.5 * (c_phi + c_phi.T)
        shift = JITTER * np.mean(np.diag(cov))
        factor = np.linalg.cholesky(cov + shift * np.eye(cov.shape[0]))
        forcing = self.z @ factor.T
        dt = np.diff(self.ts)
        h = np.empty_like(forcing)
        h[:, 0] = y = self.h0
        # Exponential trapezoidal steps: exact decay, forcing linear in a step.
        a = np.exp(-dt)
        c = (dt + np.expm1(-dt)) / dt
        b = 1 - a - c
        for k in range(dt.size):
            y = a[k] * y + b[k] * forcing[:, k] + c[k] * forcing[:, k + 1]
            h[:, k + 1] = y
        p = np.tanh(h)
        return p.T @ p / self.M

    def solve(self, max_iterations):
        p0 = np.tanh(self.h0)
        c = np.full((self.ts.size, self.ts.size), np.mean(p0**2))
        for i in range(1, max_iterations + 1):
            new = self.iterate(c)
            change = np.max(np.abs(new - c))
            c = new
            if change < TOL:
                return i, True, c
        return max_iterations, False, c


def _jax_solve(ts, n_samples, max_iterations, window=None, dtype="float64"):
    options = dmft.TwoTimeOptions(
        n_samples=n_samples,
        tol=TOL,
        # float32 needs its larger default jitter (see TwoTimeOptions).
        jitter=JITTER if dtype == "float64" else None,
        dtype=dtype,
        max_iterations=max_iterations,
        response_samples=0,
        window=ts.size - 1 if window is None else window,
        # The marching (common-random-number) stage only, the algorithm the peer
        # implements; the independent passes that remove its O(1/M) bias are extra
        # work (each one O(M n^2) pass) not timed here.
        passes=0,
    )
    sol = dmft.solve_two_time(
        dmft.NetworkEnsemble(sigma_w=G),
        ts,
        dmft.GaussianInitial(0.0, Q0),
        key=jr.key(0),
        options=options,
        throw=False,
    )
    jax.block_until_ready(sol.C)
    return sol


CPU = {}  # CPU seconds (all threads) of the last `_timed` call, by label


def _timed(fn, label=None):
    # Wall time, and CPU time of all threads: on a shared machine the wall time
    # includes waiting for other users' processes, the CPU time does not.
    cpu, t = time.process_time(), time.perf_counter()
    out = fn()
    wall = time.perf_counter() - t
    if label:
        CPU[label] = time.process_time() - cpu
    return wall, out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--iterations", type=int, default=4)
    parser.add_argument("--converge-samples", type=int, default=10_000)
    parser.add_argument("--max-iterations", type=int, default=300)
    parser.add_argument("--window", type=int, default=dmft.TwoTimeOptions().window)
    parser.add_argument("--picard", action="store_true", help="also dmft plain Picard")
    parser.add_argument(
        "--float32",
        action="store_true",
        help="also dmft to convergence with float32 paths (TwoTimeOptions.dtype)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    ts = np.linspace(0.0, T1, args.times)
    k = args.iterations

    # Per plain-Picard iteration, full size.
    compile_1, _ = _timed(lambda: _jax_solve(jnp.asarray(ts), args.samples, 1))
    t1, _ = _timed(lambda: _jax_solve(jnp.asarray(ts), args.samples, 1), "jax_1")
    _jax_solve(jnp.asarray(ts), args.samples, k)  # compile the k-iteration program
    tk, _ = _timed(lambda: _jax_solve(jnp.asarray(ts), args.samples, k), "jax_k")
    jax_per_iteration = (tk - t1) / (k - 1)
    peer = NumpyTwoTime(ts, args.samples, seed=0)
    c0 = np.full((ts.size, ts.size), 0.3)
    numpy_total, _ = _timed(lambda: [peer.iterate(c0) for _ in range(k)], "numpy_k")
    numpy_per_iteration = numpy_total / k

    # To convergence, at `converge_samples` paths.
    m = args.converge_samples

    def marching():
        return _jax_solve(jnp.asarray(ts), m, args.max_iterations, args.window)

    compile_march, _ = _timed(marching)
    march_s, sol = _timed(marching, "jax_converge")
    peer = NumpyTwoTime(ts, m, seed=0)
    numpy_converge, (numpy_iterations, numpy_converged, numpy_c_phi) = _timed(
        lambda: peer.solve(args.max_iterations), "numpy_converge"
    )
    diagonal = np.diagonal(np.asarray(sol.C_phi))
    to_convergence = {
        "samples": m,
        "window": args.window,
        "jax_s": march_s,
        "jax_compile_s": compile_march - march_s,
        "jax_iterations": int(sol.iterations),
        "jax_converged": bool(sol.converged),
        "numpy_s": numpy_converge,
        "numpy_iterations": numpy_iterations,
        "numpy_converged": numpy_converged,
        "ratio": numpy_converge / march_s,
        "jax_cpu_s": CPU["jax_converge"],
        "numpy_cpu_s": CPU["numpy_converge"],
        "cpu_ratio": CPU["numpy_converge"] / CPU["jax_converge"],
        "max_diff_E_phi2": float(np.max(np.abs(diagonal - np.diag(numpy_c_phi)))),
        "stderr_E_phi2": float(np.max(np.diagonal(np.asarray(sol.C_phi_stderr)))),
    }
    if args.picard:

        def picard():
            return _jax_solve(jnp.asarray(ts), m, args.max_iterations)

        picard()  # compile
        picard_s, picard_sol = _timed(picard)
        to_convergence["jax_picard_s"] = picard_s
        to_convergence["jax_picard_iterations"] = int(picard_sol.iterations)
        to_convergence["ratio_picard"] = numpy_converge / picard_s

    if args.float32:

        def marching32():
            return _jax_solve(
                jnp.asarray(ts), m, args.max_iterations, args.window, "float32"
            )

        compile32, _ = _timed(marching32)
        march32_s, sol32 = _timed(marching32, "jax_converge_float32")
        diagonal32 = np.diagonal(np.asarray(sol32.C_phi))
        to_convergence |= {
            "jax_float32_s": march32_s,
            "jax_float32_compile_s": compile32 - march32_s,
            "jax_float32_iterations": int(sol32.iterations),
            "jax_float32_converged": bool(sol32.converged),
            "ratio_float32": numpy_converge / march32_s,
            "cpu_ratio_float32": CPU["numpy_converge"] / CPU["jax_converge_float32"],
            "max_diff_E_phi2_float32": float(
                np.max(np.abs(diagonal32 - np.diag(numpy_c_phi)))
            ),
            "max_diff_E_phi2_float32_vs_float64": float(
                np.max(np.abs(diagonal32 - diagonal))
            ),
        }

    result = {
        "problem": f"tanh g={G}, T={T1}, {args.times} times",
        "devices": str(jax.devices()),
        "per_picard_iteration": {
            "samples": args.samples,
            "jax_s": jax_per_iteration,
            "numpy_s": numpy_per_iteration,
            "ratio": numpy_per_iteration / jax_per_iteration,
            "jax_cpu_s": (CPU["jax_k"] - CPU["jax_1"]) / (k - 1),
            "numpy_cpu_s": CPU["numpy_k"] / k,
            "jax_compile_s": compile_1 - t1,
        },
        "to_convergence": to_convergence,
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
