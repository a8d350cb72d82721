"""Benchmark: dmft.simulate against scipy's solve_ivp (RK45) and a NumPy RK4 loop.

The same couplings J, biases b and initial state h0 (tanh, g = 2, sigma_b = 0.3) for
every integrator, float64, rtol 1e-6 / atol 1e-8 for both adaptive solvers (matched
accuracy: their difference at t <= 20 is printed). Wall times exclude compilation,
which is reported separately. Also: a batch of 64 trajectories on one W (one
matrix-matrix product per stage) against 64 sequential scipy runs; the time per
right-hand-side evaluation against the measured matrix-vector roofline; and a batch
of networks with their own W (memory-bound on a CPU).

    python benchmarks/simulate.py --n 1000 --json
"""

import argparse
import json
import os
import sys
import time


# `--threads 1` pins both sides to one core: on a shared machine multi-threaded BLAS
# (scipy's matvec) and XLA's thread pool stall on oversubscription, which distorts the
# ratio. Thread counts must be fixed before NumPy or JAX load.
if "--threads" in sys.argv:
    _threads = sys.argv[sys.argv.index("--threads") + 1]
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_var] = _threads
    if _threads == "1":
        os.environ["XLA_FLAGS"] = (
            os.environ.get("XLA_FLAGS", "")
            + " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
        )

import jax  # noqa: E402


jax.config.update("jax_enable_x64", True)

import diffrax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import jax.random as jr  # noqa: E402
import numpy as np  # noqa: E402
import scipy.integrate  # noqa: E402

import dmft  # noqa: E402


def _best(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        jax.block_until_ready(out)
        times.append(time.perf_counter() - t)
    return min(times), out


def _scipy(W, b, h0, t1, t_eval):
    return scipy.integrate.solve_ivp(
        lambda t, h: -h + W @ np.tanh(h) + b,
        (0.0, t1),
        h0,
        method="RK45",
        t_eval=t_eval,
        rtol=1e-6,
        atol=1e-8,
    )


def _rk4(W, b, h0, t1, dt):
    def f(h):
        return -h + W @ np.tanh(h) + b

    h = h0.copy()
    for _ in range(round(t1 / dt)):
        k1 = f(h)
        k2 = f(h + dt / 2 * k1)
        k3 = f(h + dt / 2 * k2)
        k4 = f(h + dt * k3)
        h = h + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return h


def _bandwidth():
    # Streaming read bandwidth: sum of a 256 MB array (no reuse), best of 5.
    x = np.ones(2**25)
    t, _ = _best(lambda: x.sum(), 5)
    return x.nbytes / t


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--t1", type=float, default=300.0)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--batch-t1", type=float, default=20.0)
    parser.add_argument("--own-w", type=int, default=8, help="networks with own W")
    parser.add_argument("--skip-rk4", action="store_true")
    parser.add_argument(
        "--threads", default=None, help="BLAS threads (1: also single-threaded XLA)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    n, t1 = args.n, args.t1

    ens = dmft.NetworkEnsemble(sigma_w=2.0, sigma_b=0.3)
    key_net, key_h0, key_batch = jr.split(jr.key(0), 3)
    net = dmft.RateNetwork.sample(ens, key_net, n)
    h0 = dmft.random_state(key_h0, net)
    W, b, h0_np = np.asarray(net.W), np.asarray(net.b), np.asarray(h0)
    ts20 = jnp.arange(1.0, 21.0)
    out = {"n": n, "t1": t1, "dtype": "float64", "threads": args.threads or "default"}

    # dmft: Tsit5 + PID at the same tolerances as scipy's RK45.
    dynamics = dmft.ContinuousTime(
        stepsize_controller=diffrax.PIDController(rtol=1e-6, atol=1e-8)
    )

    @jax.jit
    def run(net, h0):
        saveat = diffrax.SaveAt(ts=jnp.concatenate([ts20, jnp.array([t1])]))
        sol = dmft.simulate(net, h0, 0.0, t1, saveat=saveat, dynamics=dynamics)
        return sol.ys, sol.stats["num_steps"]

    t = time.perf_counter()
    compiled = run.lower(net, h0).compile()
    out["compile_s"] = time.perf_counter() - t
    out["dmft_s"], (ys, steps) = _best(lambda: compiled(net, h0), 3)
    # Tsit5 is FSAL: 6 new right-hand sides per step (rejected steps included).
    out["dmft_steps"] = int(steps)
    out["dmft_rhs_evals"] = 6 * int(steps)

    t = time.perf_counter()
    ref = _scipy(W, b, h0_np, t1, np.concatenate([np.arange(1.0, 21.0), [t1]]))
    out["scipy_rk45_s"] = time.perf_counter() - t
    out["scipy_rk45_rhs_evals"] = int(ref.nfev)
    out["speedup_vs_scipy_rk45"] = out["scipy_rk45_s"] / out["dmft_s"]
    out["max_abs_diff_t20"] = float(np.max(np.abs(np.asarray(ys)[:20] - ref.y.T[:20])))

    if not args.skip_rk4:
        t = time.perf_counter()
        _rk4(W, b, h0_np, t1, 0.05)
        out["numpy_rk4_s"] = time.perf_counter() - t
        out["speedup_vs_numpy_rk4"] = out["numpy_rk4_s"] / out["dmft_s"]

    # Roofline of one right-hand side: a float64 matrix-vector product reads 8 n^2
    # bytes of W; at the measured streaming bandwidth it cannot beat 8 n^2 / BW.
    bandwidth = _bandwidth()
    matvec = jax.jit(lambda W, h: -h + W @ jnp.tanh(h) + b)
    matvec(net.W, h0).block_until_ready()
    out["bandwidth_GBps"] = bandwidth / 1e9
    out["matvec_roofline_s"] = 8 * n * n / bandwidth
    out["matvec_measured_s"], _ = _best(lambda: matvec(net.W, h0), 20)
    out["dmft_per_rhs_s"] = out["dmft_s"] / out["dmft_rhs_evals"]
    out["per_rhs_over_roofline"] = out["dmft_per_rhs_s"] / out["matvec_roofline_s"]
    out["per_rhs_over_measured_matvec"] = (
        out["dmft_per_rhs_s"] / out["matvec_measured_s"]
    )

    # 64 trajectories on one W: h0 of shape (64, n), one solve, W phi(h) a matmul.
    B, tb = args.batch, args.batch_t1
    h0s = jr.normal(key_batch, (B, n))

    @jax.jit
    def run_batch(net, h0s):
        return dmft.simulate(net, h0s, 0.0, tb, dynamics=dynamics).ys

    run_batch(net, h0s).block_until_ready()
    out["batch64_dmft_s"], _ = _best(lambda: run_batch(net, h0s), 2)
    t = time.perf_counter()
    for h in np.asarray(h0s):
        _scipy(W, b, h, tb, None)
    out["batch64_scipy_s"] = time.perf_counter() - t
    out["batch64_speedup"] = out["batch64_scipy_s"] / out["batch64_dmft_s"]

    # Networks with their own W: vmap over (W, h0). Each member streams its own n^2
    # matrix, so the batch is bandwidth-bound: expect ~ members x single-run time.
    K = args.own_w
    nets = jax.vmap(lambda k: dmft.RateNetwork.sample(ens, k, n))(jr.split(key_net, K))
    h0k = jr.normal(key_batch, (K, n))
    run_own = jax.jit(
        jax.vmap(lambda net, h: dmft.simulate(net, h, 0.0, tb, dynamics=dynamics).ys)
    )
    run_own(nets, h0k).block_until_ready()
    out["own_w_batch"] = K
    out["own_w_batch_s"], _ = _best(lambda: run_own(nets, h0k), 2)
    run_single = jax.jit(
        lambda net, h: dmft.simulate(net, h, 0.0, tb, dynamics=dynamics).ys
    )
    run_single(net, h0).block_until_ready()
    single, _ = _best(lambda: run_single(net, h0), 2)
    out["own_w_single_s"] = single
    out["own_w_batch_over_sequential"] = out["own_w_batch_s"] / (K * single)

    if args.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k}: {v}")


if __name__ == "__main__":
    main()
