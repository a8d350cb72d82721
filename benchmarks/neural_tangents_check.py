"""dmft's deep covariance map against neural-tangents' NNGP kernels (erf and ReLU).

neural-tangents needs jax 0.5.3 and does not import beside dmft's jax, so it runs in
its own environment, in a subprocess:

    python3 -m venv /work/nt-venv
    /work/nt-venv/bin/pip install "jax[cpu]==0.5.3" neural-tangents
    python benchmarks/neural_tangents_check.py [--json] [--nt-python /work/nt-venv/bin/python]

The network is `stax.serial(Dense(W_std=sigma_w, b_std=sigma_b), phi, ..., Dense)`
with L nonlinear layers and L + 1 Dense layers (standard 'ntk' parameterisation:
the NNGP kernel of a Dense layer is sigma_w^2 K + sigma_b^2, and the first one sees
K = x1 . x2 / d). Its output NNGP kernel is the pre-activation covariance after L
applications of dmft's covariance map, started from the first Dense layer's output
covariance q^0 = sigma_w^2 x_a . x_b / d + sigma_b^2. neural-tangents' `Erf()` is
a erf(b x) + c with defaults a = b = 1, c = 0, i.e. dmft's `Erf`; `Relu()` is
dmft's `ReLU`. Both sides run in float64; the difference should be rounding.
"""

import argparse
import json
import subprocess

import jax
import numpy as np


jax.config.update("jax_enable_x64", True)

import dmft  # noqa: E402


# Runs under the neural-tangents interpreter: reads the cases as JSON on stdin.
CHILD = """
import json, sys
import jax
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp
import numpy as np
import neural_tangents as nt
from neural_tangents import stax

cases = json.load(sys.stdin)
kernels = []
for case in cases:
    dense = lambda: stax.Dense(1, W_std=case["sigma_w"], b_std=case["sigma_b"])
    nonlinearity = {"erf": stax.Erf, "relu": stax.Relu}[case["phi"]]
    layers = []
    for _ in range(case["depth"]):
        layers += [dense(), nonlinearity()]
    _, _, kernel_fn = stax.serial(*layers, dense())
    x = jnp.asarray(case["inputs"], jnp.float64)
    kernels.append(np.asarray(kernel_fn(x, None, "nngp")).tolist())
print(json.dumps({"jax": jax.__version__, "neural_tangents": nt.__version__,
                  "kernels": kernels}))
"""

PHIS = {"erf": dmft.Erf(), "relu": dmft.ReLU()}


def cases(seed=0, width=8):
    rng = np.random.default_rng(seed)
    out = []
    for phi in ("erf", "relu"):
        for sigma_w, sigma_b in [(0.9, 0.1), (1.4, 0.3), (2.5, 0.5)]:
            if phi == "relu" and sigma_w**2 >= 2:
                sigma_w = 1.3  # ReLU's q^l grows without bound for sigma_w^2 >= 2
            for depth in (1, 5, 30):
                inputs = rng.normal(size=(2, width))
                out.append(
                    {
                        "phi": phi,
                        "sigma_w": sigma_w,
                        "sigma_b": sigma_b,
                        "depth": depth,
                        "inputs": inputs.tolist(),
                    }
                )
    # Deep enough that the kernel sits at the fixed point (xi_c <~ 10 here). The
    # inputs are positively correlated: from c^0 < 0 an almost odd map (small
    # sigma_b) lingers near its unstable point c = 0, where rounding differences
    # between two implementations grow like chi_c^l.
    for sigma_w, sigma_b in [(0.9, 0.1), (2.0, 0.1), (2.5, 0.5)]:
        first = rng.normal(size=width)
        inputs = np.stack([first, 0.8 * first + 0.6 * rng.normal(size=width)])
        out.append(
            {
                "phi": "erf",
                "sigma_w": sigma_w,
                "sigma_b": sigma_b,
                "depth": 400,
                "inputs": inputs.tolist(),
            }
        )
    return out


def dmft_kernel(case):
    x = np.asarray(case["inputs"])
    sw2, sb2 = case["sigma_w"] ** 2, case["sigma_b"] ** 2
    q0 = sw2 * x @ x.T / x.shape[1] + sb2
    ensemble = dmft.NetworkEnsemble(PHIS[case["phi"]], case["sigma_w"], case["sigma_b"])
    profile = dmft.deep.depth_profile(
        ensemble, case["depth"], q0[0, 0], q0[1, 1], q0[0, 1]
    )
    q11, q22, q12 = (float(a[-1]) for a in (profile.q11, profile.q22, profile.q12))
    return np.array([[q11, q12], [q12, q22]])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--nt-python", default="/work/nt-venv/bin/python")
    args = parser.parse_args()

    todo = cases()
    child = subprocess.run(
        [args.nt_python, "-c", CHILD],
        input=json.dumps(todo),
        capture_output=True,
        text=True,
        check=True,
    )
    nt_out = json.loads(child.stdout.strip().splitlines()[-1])
    out = {
        "neural_tangents": nt_out["neural_tangents"],
        "nt_jax": nt_out["jax"],
        "dmft_jax": jax.__version__,
        "cases": [],
    }
    for case, nt_kernel in zip(todo, nt_out["kernels"]):
        ours = dmft_kernel(case)
        theirs = np.asarray(nt_kernel)
        rel = float(np.max(np.abs(ours - theirs) / np.abs(theirs)))
        out["cases"].append(
            {key: case[key] for key in ("phi", "sigma_w", "sigma_b", "depth")}
            | {"max_rel_diff": rel, "nt_q12": float(theirs[0, 1])}
        )
    for phi in PHIS:
        out[f"max_rel_diff_{phi}"] = max(
            c["max_rel_diff"] for c in out["cases"] if c["phi"] == phi
        )
    # At depth 400 nt's kernel is at the fixed point: compare with dmft's solver.
    fixed = []
    for case, nt_kernel in zip(todo, nt_out["kernels"]):
        if case["depth"] < 400:
            continue
        k = np.asarray(nt_kernel)
        ensemble = dmft.NetworkEnsemble(
            PHIS[case["phi"]], case["sigma_w"], case["sigma_b"]
        )
        point = dmft.deep.deep_fixed_point(ensemble)
        c_nt = k[0, 1] / np.sqrt(k[0, 0] * k[1, 1])
        fixed.append(
            {
                "sigma_w": case["sigma_w"],
                "sigma_b": case["sigma_b"],
                "q_star_rel_diff": float(abs(k[0, 0] / point.q_star - 1)),
                "c_star_abs_diff": float(abs(c_nt - point.c_star)),
            }
        )
    out["erf_fixed_point_vs_nt_depth_400"] = fixed
    if args.json:
        print(json.dumps(out))
    else:
        for key, value in out.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
