"""Deep-limit phase diagram over a 200 x 200 grid (sigma_w^2 in [0.5, 4], sigma_b^2 in
[0, 0.5]): dmft.phase_diagram for erf (closed-form kernels) and tanh (quadrature: the
default DeepSolver, SinhTrapezoid(61) and Mehler's series to order 48 for c*), side
by side with a vectorised NumPy Newton on erf's closed forms written here (the peer).
neural-tangents needs jax 0.5.3 and cannot be installed beside dmft's jax; its
kernels are compared in benchmarks/neural_tangents_check.py instead.

    python benchmarks/phase_diagram.py [--json] [--n 200] [--tanh-rule sinh:61]
        [--series-order 48] [--reference-stride 5]

Timings are the best of `--repeats` runs after compilation. Accuracy, as
max |a - b| / max(|b|, 1): erf against the peer (two independent Newton solves of the
same closed forms); tanh against the reference route, the two-variable SinhTrapezoid(61)
quadrature at every Newton step in c (DeepSolver(series_order=None), ~1e-14), on
every `--reference-stride`-th grid point (slow: minutes at stride 1). The 1-minute
load average before and after the timings is printed: the machine may be shared.
"""

import argparse
import json
import math
import os
import time

import jax
import jax.numpy as jnp
import numpy as np


jax.config.update("jax_enable_x64", True)

import dmft  # noqa: E402


def numpy_erf_phase_diagram(sw2, sb2, tol=1e-12, max_steps=200):
    """q*, c*, chi_1 for erf by vectorised Newton on the arcsine closed forms."""
    q = np.ones_like(sw2)
    for _ in range(max_steps):
        f = sw2 * (2 / np.pi) * np.arcsin(2 * q / (1 + 2 * q)) + sb2 - q
        df = sw2 * (4 / np.pi) / ((1 + 2 * q) * np.sqrt(1 + 4 * q)) - 1
        step = f / df
        q = np.maximum(q - step, 0.0)
        if np.max(np.abs(step)) <= tol * max(1.0, np.max(q)):
            break
    chi_1 = sw2 * (4 / np.pi) / np.sqrt(1 + 4 * q)
    c = np.ones_like(q)
    chaotic = chi_1 > 1
    qc, sw2c, sb2c = q[chaotic], sw2[chaotic], sb2[chaotic]
    cc = np.zeros_like(qc)
    for _ in range(max_steps):
        x = 2 * cc * qc / (1 + 2 * qc)
        g = (sw2c * (2 / np.pi) * np.arcsin(x) + sb2c) / qc - cc
        dg = sw2c * (2 / np.pi) * (2 / (1 + 2 * qc)) / np.sqrt(1 - x * x) - 1
        step = g / dg
        cc = cc - step
        if np.max(np.abs(step)) <= tol:
            break
    c[chaotic] = cc
    return q, c, chi_1


def best_time(fn, repeats):
    jax.block_until_ready(fn())  # compile
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        jax.block_until_ready(fn())
        times.append(time.perf_counter() - start)
    return min(times)


def parse_rule(text):
    kind, _, n = text.partition(":")
    if kind == "hermite":
        return dmft.GaussHermite(int(n or 32))
    if kind == "sinh":
        return dmft.SinhTrapezoid(n=int(n or 61))
    raise ValueError(f"unknown rule {text!r}; use hermite:N or sinh:N.")


def max_rel(a, b):
    """Max of |a - b| / max(|b|, 1): relative where |b| >= 1, absolute below (q* and
    c* vanish on parts of the grid)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1.0)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--tanh-rule", default="sinh:61")
    parser.add_argument("--series-order", type=int, default=48)
    parser.add_argument("--reference-stride", type=int, default=5)
    args = parser.parse_args()

    sw2 = np.linspace(0.5, 4.0, args.n)
    sb2 = np.linspace(0.0, 0.5, args.n)
    sigma_w, sigma_b = jnp.sqrt(sw2), jnp.sqrt(sb2)
    out = {"grid_points": args.n * args.n, "jax_backend": jax.default_backend()}
    out["load_average_before"] = os.getloadavg()[0]

    # erf: closed-form kernels.
    erf = dmft.phase_diagram(dmft.Erf(), sigma_w, sigma_b).fixed_point
    out["seconds_erf"] = best_time(
        lambda: dmft.phase_diagram(dmft.Erf(), sigma_w, sigma_b), args.repeats
    )
    grid_w2, grid_b2 = np.meshgrid(sw2, sb2, indexing="ij")
    start = time.perf_counter()
    for _ in range(args.repeats):
        q, c, chi_1 = numpy_erf_phase_diagram(grid_w2, grid_b2)
    out["seconds_erf_numpy_peer"] = (time.perf_counter() - start) / args.repeats
    out["ratio_erf_dmft_over_numpy"] = (
        out["seconds_erf"] / out["seconds_erf_numpy_peer"]
    )
    out["erf_max_diff_vs_peer"] = {
        "q_star": max_rel(erf.q_star, q),
        "c_star": max_rel(erf.c_star, c),
        "chi_1": max_rel(erf.chi_1, chi_1),
    }

    # tanh: quadrature; against the two-variable reference route on a subgrid.
    solver = dmft.DeepSolver(
        rule=parse_rule(args.tanh_rule), series_order=args.series_order
    )
    tanh = dmft.phase_diagram(dmft.Tanh(), sigma_w, sigma_b, solver).fixed_point
    out["tanh_rule"] = args.tanh_rule
    out["tanh_series_order"] = args.series_order
    out["seconds"] = best_time(
        lambda: dmft.phase_diagram(dmft.Tanh(), sigma_w, sigma_b, solver), args.repeats
    )
    out["tanh_max_newton_steps"] = int(np.max(tanh.num_steps))
    sub = slice(None, None, args.reference_stride)
    pair = dmft.DeepSolver(series_order=None)
    reference = dmft.phase_diagram(
        dmft.Tanh(), sigma_w[sub], sigma_b[sub], pair
    ).fixed_point
    out["tanh_reference_points"] = int(np.size(reference.q_star))
    errors = {
        name: max_rel(getattr(tanh, name)[sub, sub], getattr(reference, name))
        for name in ("q_star", "c_star", "chi_1", "chi_c")
    }
    # xi_c diverges on the critical line: compare 1/xi_c = |log chi_c| instead.
    errors["inverse_xi_c"] = max_rel(1 / tanh.xi_c[sub, sub], 1 / reference.xi_c)
    out["tanh_max_error_vs_pair_quadrature"] = errors
    status = np.asarray(tanh.result == dmft.RESULTS.successful)
    out["tanh_all_converged"] = bool(status.all())
    out["load_average_after_timings"] = os.getloadavg()[0]
    line = dmft.critical_sigma_w(dmft.Tanh(), math.sqrt(0.05))
    out["tanh_critical_sigma_w2_at_sigma_b2_0.05"] = float(line.sigma_w) ** 2

    if args.json:
        print(json.dumps(out))
    else:
        for key, value in out.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
