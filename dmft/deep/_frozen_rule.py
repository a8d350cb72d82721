"""A quadrature rule whose nodes were computed once, for repeated evaluations."""

from jaxtyping import Array, Float

from .._quadrature import AbstractGaussianRule


class FrozenRule(AbstractGaussianRule):
    """The nodes and weights of another rule at one `(shift, scale)`, returned for
    every `(shift, scale)`.

    A scale-adapted rule (`dmft.SinhTrapezoid`) recomputes its nodes at every call,
    which costs several transcendental functions per node: more than the integrand
    $\\tanh$ itself. The deep solves evaluate many expectations at one length $q$
    (or at lengths close to it), so they freeze the rule there once. The result is
    the same rule at that point, and an accurate rule nearby; the derivative of an
    expectation in $q$ is then the derivative of the integrand at fixed nodes.
    """

    nodes: Float[Array, " n"]
    weights: Float[Array, " n"]

    def nodes_and_weights(self, shift, scale):
        return self.nodes, self.weights


def freeze(rule: AbstractGaussianRule, scale: Float[Array, ""]) -> FrozenRule:
    """`rule` frozen at zero shift and the given `scale` (no gradient through the
    nodes: callers pass a constant scale)."""
    return FrozenRule(*rule.nodes_and_weights(0.0 * scale, scale))
