"""One stationary DMFT point (g, sigma_b, sigma) by dmft vs a hand-written
scipy.integrate.quad + brentq implementation of the same equations:

    Delta_inf = g^2 C(Delta_inf; Delta0) + sb^2,   sigma^4/8 + V(Delta0) = V(Delta_inf),

C and V as nested Gaussian integrals E_z[E_x[.] E_x[.]]. Both are asked for ~1e-10.
Also: a vmapped 100-point g-sweep of Delta0(g) and lambda(g) in one compiled call.

    python benchmarks/dmft_solve.py --json
"""

import argparse
import json
import time

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from scipy.integrate import quad
from scipy.optimize import brentq


jax.config.update("jax_enable_x64", True)

import dmft  # noqa: E402


def _gauss(f, tol):
    pdf = lambda z: np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)  # noqa: E731
    return quad(lambda z: f(z) * pdf(z), -np.inf, np.inf, epsabs=tol, epsrel=tol)[0]


def _nested(f, d0, d, tol):
    """E_z[(E_x f(sqrt(d0 - d) x + sqrt(d) z))^2]."""
    a, b = np.sqrt(d), np.sqrt(max(d0 - d, 0.0))
    return _gauss(lambda z: _gauss(lambda x: f(a * z + b * x), tol) ** 2, tol)


def scipy_solve(g, sb, s, tol=1e-10):
    logcosh = lambda x: np.logaddexp(x, -x) - np.log(2)  # noqa: E731

    def force(d, d0):  # V'(d)
        return g**2 * _nested(np.tanh, d0, d, tol) + sb**2 - d

    def potential(d, d0):
        return -(d**2) / 2 + sb**2 * d + g**2 * _nested(logcosh, d0, d, tol)

    def turning(d0):
        # The smaller root of the convex V' on [0, d0]: a coarse scan, then brentq.
        grid = np.linspace(0, d0, 9)
        values = [force(x, d0) for x in grid]
        for k in range(8):
            if values[k] > 0 >= values[k + 1]:
                return brentq(force, grid[k], grid[k + 1], args=(d0,), xtol=tol)
        return 0.0

    def mismatch(d0):
        return s**4 / 8 + potential(d0, d0) - potential(turning(d0), d0)

    d0 = brentq(mismatch, 1.0, 3.0, xtol=tol)
    return d0, turning(d0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--g", type=float, default=2.0)
    parser.add_argument("--sigma-b", type=float, default=0.3)
    parser.add_argument("--noise", type=float, default=0.5)
    args = parser.parse_args()

    ens = dmft.NetworkEnsemble(sigma_w=args.g, sigma_b=args.sigma_b, noise=args.noise)
    solve = lambda e: dmft.solve_stationary(e, grid=None)  # noqa: E731
    jax.block_until_ready(solve(ens))  # compile
    repeats = 5
    start = time.perf_counter()
    for _ in range(repeats):
        sol = jax.block_until_ready(solve(ens))
    dmft_s = (time.perf_counter() - start) / repeats

    start = time.perf_counter()
    d0, dinf = scipy_solve(args.g, args.sigma_b, args.noise)
    scipy_s = time.perf_counter() - start
    rel = max(abs(float(sol.delta0) - d0) / d0, abs(float(sol.delta_inf) - dinf) / dinf)

    gs = jnp.linspace(1.05, 4.0, 100)
    batch = dmft.NetworkEnsemble(
        sigma_w=gs,
        sigma_b=jnp.full(100, args.sigma_b),
        noise=jnp.full(100, args.noise),
        mean_w=jnp.zeros(100),
        mean_b=jnp.zeros(100),
    )

    @eqx.debug.assert_max_traces(max_traces=1)
    def sweep(e):
        return eqx.filter_vmap(lambda x: dmft.solve_stationary(x, throw=False))(e)

    sweep = eqx.filter_jit(sweep)
    jax.block_until_ready(sweep(batch))  # compile
    start = time.perf_counter()
    curve = jax.block_until_ready(sweep(batch))
    sweep_s = time.perf_counter() - start

    result = {
        "point": {"g": args.g, "sigma_b": args.sigma_b, "noise": args.noise},
        "dmft_s_per_point": dmft_s,
        "scipy_s_per_point": scipy_s,
        "speedup": scipy_s / dmft_s,
        "sweep100_s": sweep_s,
        "sweep100_all_successful": bool(
            jnp.all(curve.result == dmft.meanfield.RESULTS.successful)
        ),
        "max_rel_diff": rel,
        "note": "2 shared CPU cores; timings contaminated by other jobs",
    }
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k}: {v}")


if __name__ == "__main__":
    main()
