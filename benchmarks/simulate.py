"""Benchmark: dmft.simulate against scipy's solve_ivp (RK45) and a NumPy RK4 loop.

The same couplings J, biases b and initial state h0 (tanh, g = 2, sigma_b = 0.3) for
every integrator, rtol 1e-6 / atol 1e-8 for both adaptive solvers. Accuracy is
measured, not assumed: every solver's h(t = 1..20) is compared with an independent
tight solve (scipy DOP853, rtol = atol = 1e-13), so "matched accuracy" is a printed
number (chaos amplifies errors as e^{lambda t}, lambda ~ 0.1 at g = 2). Wall times
exclude compilation, which is reported separately.

Also: dmft with Dopri8 (fewer right-hand sides at the same tolerance) and in float32;
a batch of 64 trajectories on one W (one matrix-matrix product per stage) against 64
sequential scipy runs; the time per right-hand-side evaluation against the matvec
roofline (a bare W @ v chained in one jitted loop on this machine);
and a batch of networks with their own W (each member streams its own matrix).

    python benchmarks/simulate.py --n 1000 --json [--threads 1]
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
            os.environ.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false"
        )

import jax  # noqa: E402


jax.config.update("jax_enable_x64", True)

import diffrax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import jax.random as jr  # noqa: E402
import numpy as np  # noqa: E402
import scipy.integrate  # noqa: E402

import dmft  # noqa: E402


# Right-hand sides per step of each diffrax solver (FSAL: the first stage is the last
# one of the previous step): Tsit5 7 stages, Dopri8 14 stages.
RHS_PER_STEP = {"Tsit5": 6, "Dopri8": 13}


def _best(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        jax.block_until_ready(out)
        times.append(time.perf_counter() - t)
    return min(times), out


def _scipy(W, b, h0, t1, t_eval, method="RK45", rtol=1e-6, atol=1e-8):
    return scipy.integrate.solve_ivp(
        lambda t, h: -h + W @ np.tanh(h) + b,
        (0.0, t1),
        h0,
        method=method,
        t_eval=t_eval,
        rtol=rtol,
        atol=atol,
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


def _bare_matvec(shape, dtype, repeat):
    """Seconds per bare `W @ v` with a `shape` matrix, chained in one jitted loop (no
    dispatch): the matrix-vector roofline as measured on this machine. Its bytes over
    this time is the read bandwidth at that working-set size (a cache-resident matrix
    for n = 1000 in float64: 8 MB < 32 MB L3; DRAM for a 256 MB one). A gemv
    streams W better than XLA's reductions or NumPy's sum (measured), so it is the
    tightest bandwidth probe we have."""
    loops = max(10, 2**30 // (shape[0] * shape[1] * jnp.dtype(dtype).itemsize))
    W, v = jnp.ones(shape, dtype), jnp.ones(shape[1], dtype)

    @jax.jit
    def chain(W, v):
        # `v * i` keeps XLA from hoisting the loop-invariant product out of the loop.
        def body(i, acc):
            return acc + W @ (v * i.astype(dtype))

        return jax.lax.fori_loop(0, loops, body, jnp.zeros(shape[0], dtype))

    chain(W, v).block_until_ready()
    t, _ = _best(lambda: chain(W, v), repeat)
    return t / loops


def _rhs_loop(W, b, h, loops, repeat):
    """Seconds per right-hand side `-h + W tanh(h) + b` (a matvec if `h` is `(n,)`, a
    matmul if `(batch, n)`), chained in one jitted loop so dispatch is amortised."""

    @jax.jit
    def chain(W, b, h):
        def body(i, h):
            return -h + jnp.einsum("ij,...j->...i", W, jnp.tanh(h)) + b

        return jax.lax.fori_loop(0, loops, body, h)

    chain(W, b, h).block_until_ready()
    t, _ = _best(lambda: chain(W, b, h), repeat)
    return t / loops


def _solve(dynamics, t1, saveat):
    @jax.jit
    def run(network, h):
        sol = dmft.simulate(network, h, 0.0, t1, saveat=saveat, dynamics=dynamics)
        return sol.ys, sol.stats["num_steps"]

    return run


def _dots_in(compiled_text, batch, n):
    # The dot ops producing the batch's (batch, n) shape in the compiled HLO: 1 means
    # one matmul kernel, called once per stage inside the solver's loop.
    return sum(
        1
        for line in compiled_text.splitlines()
        if " dot(" in line and f"[{batch},{n}]" in line
    )


def _errors(ys, ref):
    return float(np.max(np.abs(np.asarray(ys, np.float64)[:20] - ref)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--t1", type=float, default=300.0)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--batch-t1", type=float, default=20.0)
    parser.add_argument(
        "--scipy-runs",
        type=int,
        default=None,
        help="time this many of the sequential scipy runs and scale to --batch "
        "(default: all of them)",
    )
    parser.add_argument("--own-w", type=int, default=8, help="networks with own W")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many")
    parser.add_argument("--skip-rk4", action="store_true")
    parser.add_argument(
        "--threads", default=None, help="BLAS threads (1: also single-threaded XLA)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    n, t1, repeat = args.n, args.t1, args.repeat

    ens = dmft.NetworkEnsemble(sigma_w=2.0, sigma_b=0.3)
    key_net, key_h0, key_batch = jr.split(jr.key(0), 3)
    net = dmft.RateNetwork.sample(ens, key_net, n)
    net32 = dmft.RateNetwork(net.W.astype(jnp.float32), net.b.astype(jnp.float32))
    h0 = dmft.random_state(key_h0, net)
    W, b, h0_np = np.asarray(net.W), np.asarray(net.b), np.asarray(h0)
    t_eval = np.concatenate([np.arange(1.0, 21.0), [t1]])
    out = {
        "n": n,
        "t1": t1,
        "threads": args.threads or "default",
        "batch": args.batch,
        "batch_t1": args.batch_t1,
        "load_average_1min_at_start": os.getloadavg()[0],
    }

    # Independent reference for h(1..20): scipy DOP853 at rtol = atol = 1e-13.
    ref = _scipy(W, b, h0_np, 20.0, t_eval[:20], "DOP853", 1e-13, 1e-13).y.T

    # dmft at the peer's tolerances. float64: Tsit5 (the default) and Dopri8;
    # float32: Tsit5 at rtol 1e-5 / atol 1e-7 (float32's accuracy floor: tighter
    # tolerances take more steps without reducing the error).
    f64 = diffrax.PIDController(rtol=1e-6, atol=1e-8)
    runs = {
        "dmft": (net, h0, diffrax.Tsit5(), f64),
        "dmft_dopri8": (net, h0, diffrax.Dopri8(), f64),
        "dmft_f32": (
            net32,
            h0.astype(jnp.float32),
            diffrax.Tsit5(),
            diffrax.PIDController(rtol=1e-5, atol=1e-7),
        ),
    }
    for name, (network, h, solver, controller) in runs.items():
        dynamics = dmft.ContinuousTime(solver=solver, stepsize_controller=controller)
        saveat = diffrax.SaveAt(ts=jnp.asarray(t_eval, h.dtype))
        t = time.perf_counter()
        compiled = _solve(dynamics, t1, saveat).lower(network, h).compile()
        out[f"{name}_compile_s"] = time.perf_counter() - t
        out[f"{name}_s"], (ys, steps) = _best(lambda: compiled(network, h), repeat)
        out[f"{name}_steps"] = int(steps)
        out[f"{name}_rhs_evals"] = RHS_PER_STEP[type(solver).__name__] * int(steps)
        out[f"{name}_err_t20"] = _errors(ys, ref)
        if name == "dmft":
            ys_dmft = np.asarray(ys)
    out["compile_s"] = out["dmft_compile_s"]

    t = time.perf_counter()
    rk45 = _scipy(W, b, h0_np, t1, t_eval)
    out["scipy_rk45_s"] = time.perf_counter() - t
    out["scipy_rk45_rhs_evals"] = int(rk45.nfev)
    out["scipy_rk45_err_t20"] = _errors(rk45.y.T, ref)
    out["max_abs_diff_t20"] = float(np.max(np.abs(ys_dmft[:20] - rk45.y.T[:20])))
    for name in runs:
        out[f"{name.replace('dmft', 'speedup')}_vs_scipy_rk45"] = (
            out["scipy_rk45_s"] / out[f"{name}_s"]
        )

    if not args.skip_rk4:
        t = time.perf_counter()
        _rk4(W, b, h0_np, t1, 0.05)
        out["numpy_rk4_s"] = time.perf_counter() - t
        out["speedup_vs_numpy_rk4"] = out["numpy_rk4_s"] / out["dmft_s"]

    # Roofline of one right-hand side: the matvec reads W once (8 n^2 bytes in
    # float64, 4 n^2 in float32), so it cannot beat the bare matvec, measured here
    # (and NumPy's, the peer's kernel, for comparison).
    loops = max(20, int(2e8 // (n * n)))
    t_np, _ = _best(lambda: [W @ h0_np for _ in range(loops)], repeat)
    out["numpy_matvec_s"] = t_np / loops
    stream = _bare_matvec((1000, 2**15), jnp.float64, max(1, repeat - 1))
    out["read_bandwidth_GBps_256MB"] = 8 * 1000 * 2**15 / stream / 1e9
    for name, network, h in (("", net, h0), ("_f32", net32, h0.astype(jnp.float32))):
        roofline = _bare_matvec((n, n), network.W.dtype, repeat)
        nbytes = network.W.dtype.itemsize * n * n
        measured = _rhs_loop(network.W, network.b, h, loops, repeat)
        per_rhs = out[f"dmft{name}_s"] / out[f"dmft{name}_rhs_evals"]
        out[f"matvec_roofline{name}_s"] = roofline
        out[f"read_bandwidth_GBps_at_W_size{name}"] = nbytes / roofline / 1e9
        out[f"rhs_in_jit_loop{name}_s"] = measured
        out[f"dmft_per_rhs{name}_s"] = per_rhs
        out[f"per_rhs_over_roofline{name}"] = per_rhs / roofline
    out["scipy_per_rhs_s"] = out["scipy_rk45_s"] / out["scipy_rk45_rhs_evals"]
    # The most any float64 integrator with these RHS counts could reach here: every
    # right-hand side at the bare matvec's time and nothing else.
    fewest = min(out["dmft_rhs_evals"], out["dmft_dopri8_rhs_evals"])
    out["speedup_bound_at_matvec_roofline"] = out["scipy_rk45_s"] / (
        fewest * out["matvec_roofline_s"]
    )

    # B trajectories on one W: h0 of shape (B, n), one solve, W phi(h) one matmul
    # per stage (checked in the compiled HLO), one step size for the batch.
    B, tb = args.batch, args.batch_t1
    h0s = jr.normal(key_batch, (B, n))
    for name, network, hs in (
        ("", net, h0s),
        ("_f32", net32, h0s.astype(jnp.float32)),
    ):
        dynamics = dmft.ContinuousTime(stepsize_controller=runs["dmft" + name][3])
        saveat = diffrax.SaveAt(t1=True)
        compiled = _solve(dynamics, tb, saveat).lower(network, hs).compile()
        if not name:
            out["batch_dot_ops_in_hlo"] = _dots_in(compiled.as_text(), B, n)
        out[f"batch64{name}_dmft_s"], (_, steps) = _best(
            lambda: compiled(network, hs), max(1, repeat - 1)
        )
        out[f"batch64{name}_steps"] = int(steps)
        matmul = _rhs_loop(network.W, network.b, hs, max(5, loops // B), repeat)
        out[f"batch64{name}_matmul_s"] = matmul
        out[f"batch64{name}_matmul_GFLOPs"] = 2 * B * n * n / matmul / 1e9
    k = args.scipy_runs or B
    t = time.perf_counter()
    for h in np.asarray(h0s)[:k]:
        _scipy(W, b, h, tb, None)
    out["batch64_scipy_s"] = (time.perf_counter() - t) * B / k
    out["batch64_scipy_runs_timed"] = k
    out["batch64_speedup"] = out["batch64_scipy_s"] / out["batch64_dmft_s"]
    # Likewise for the batch: every stage at the bare GEMM's time and nothing else.
    gemms = RHS_PER_STEP["Tsit5"] * out["batch64_steps"]
    out["batch64_speedup_bound_at_gemm_roofline"] = out["batch64_scipy_s"] / (
        gemms * out["batch64_matmul_s"]
    )
    out["batch64_f32_speedup"] = out["batch64_scipy_s"] / out["batch64_f32_dmft_s"]

    # Networks with their own W: vmap over (W, h0). Each member streams its own n^2
    # matrix per right-hand side; once K matrices exceed the cache the batch is
    # bound by memory bandwidth: expect ~ K x the single-network time.
    K = args.own_w
    nets = jax.vmap(lambda k: dmft.RateNetwork.sample(ens, k, n))(jr.split(key_net, K))
    h0k = jr.normal(key_batch, (K, n))
    dynamics = dmft.ContinuousTime(stepsize_controller=f64)

    def one(network, h):
        return dmft.simulate(network, h, 0.0, tb, dynamics=dynamics).ys

    run_own, run_single = jax.jit(jax.vmap(one)), jax.jit(one)
    run_own(nets, h0k).block_until_ready()
    run_single(net, h0).block_until_ready()
    out["own_w_batch"] = K
    out["own_w_bytes_MB"] = K * 8 * n * n / 1e6
    out["own_w_batch_s"], _ = _best(lambda: run_own(nets, h0k), max(1, repeat - 1))
    out["own_w_single_s"], _ = _best(lambda: run_single(net, h0), repeat)
    out["own_w_batch_over_sequential"] = out["own_w_batch_s"] / (
        K * out["own_w_single_s"]
    )
    # Bandwidth explanation: the K matrices together are read at the bandwidth of a
    # K n x n matrix, one alone at that of W's size (cache-resident at n = 1000).
    t_k = _bare_matvec((K * n, n), jnp.float64, max(1, repeat - 1))
    out["read_bandwidth_GBps_own_w"] = K * 8 * n * n / t_k / 1e9
    out["own_w_predicted_from_bandwidth"] = (
        out["read_bandwidth_GBps_at_W_size"] / out["read_bandwidth_GBps_own_w"]
    )
    out["load_average_1min_at_end"] = os.getloadavg()[0]

    if args.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k}: {v}")


if __name__ == "__main__":
    main()
