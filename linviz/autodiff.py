"""A small reverse-mode automatic differentiation on scalars, in the spirit of micrograd.

Every primitive computes its value and, right beside it, its local derivative d(output)/d(input) for each
input; the local derivatives are stored on the edges of the graph. `backward` then walks the graph in
reverse topological order and applies the chain rule edge by edge:

    dL/d(input) += d(output)/d(input) * dL/d(output)

Derived operations (a - b, a / b, sigmoid) are built from the primitives, so they need no derivative of
their own. `record` snapshots a computation as a `Graph` of arrays that a page can step through.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

EXP_MAX = math.log(np.finfo(float).max)  # about 709.78: e^a overflows float64 beyond it


def _constant(c: float) -> str:
    return f"{float(c):.4g}"


class Value:
    """A scalar in a computation: its value `data`, its gradient `grad` = dL/d(self) after backward(L),
    the inputs it was computed from (`parents`) with the local derivatives (`local`), and its `op`."""

    __slots__ = ("data", "grad", "parents", "local", "op", "label")

    def __init__(self, data: float, label: str = "", *, parents: tuple = (), local: tuple = (),
                 op: str = "input"):
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.local = tuple(float(v) for v in local)
        self.op = op
        self.label = label

    def __repr__(self) -> str:
        name = self.label or self.op
        return f"Value({name}: data={self.data:.6g}, grad={self.grad:.6g})"

    # ------------------------------------------------------------ primitives: value | local derivatives
    def __add__(self, other):
        if not isinstance(other, Value):
            return self.add_const(other)
        # d(a + b)/da = 1, d(a + b)/db = 1
        return Value(self.data + other.data, parents=(self, other), local=(1.0, 1.0), op="+")

    def __mul__(self, other):
        if not isinstance(other, Value):
            return self.mul_const(other)
        # d(ab)/da = b, d(ab)/db = a
        return Value(self.data * other.data, parents=(self, other), local=(other.data, self.data), op="×")

    def __neg__(self):
        return Value(-self.data, parents=(self,), local=(-1.0,), op="neg")  # d(-a)/da = -1

    def add_const(self, c: float):
        c = float(c)  # d(a + c)/da = 1
        op = f"+ {_constant(c)}" if c >= 0 else f"- {_constant(-c)}"
        return Value(self.data + c, parents=(self,), local=(1.0,), op=op)

    def mul_const(self, c: float):
        c = float(c)  # d(c a)/da = c
        return Value(c * self.data, parents=(self,), local=(c,), op=f"× {_constant(c)}")

    def exp(self):
        if self.data > EXP_MAX:
            raise ValueError(f"exp({self.data:.6g}) is too large for float64 (its largest exponent is 709.78)")
        e = math.exp(self.data)
        return Value(e, parents=(self,), local=(e,), op="exp")  # d e^a/da = e^a

    def log(self):
        if self.data <= 0:
            raise ValueError(f"log needs a positive number, got {self.data:.6g}")
        return Value(math.log(self.data), parents=(self,), local=(1.0 / self.data,), op="log")  # d log a/da = 1/a

    def reciprocal(self):
        if self.data == 0:
            raise ValueError("1/x at x = 0 is undefined")
        # d(1/a)/da = -1/a^2
        return Value(1.0 / self.data, parents=(self,), local=(-1.0 / self.data**2,), op="1/x")

    def relu(self):
        # d max(0, a)/da = 1 for a > 0, else 0 (at the kink a = 0 as well, as in linviz.losses)
        return Value(max(0.0, self.data), parents=(self,), local=(1.0 if self.data > 0 else 0.0,), op="max(0, x)")

    # ------------------------------------------------------------ derived from the primitives
    def __radd__(self, other):
        return self + other  # c + a = a + c

    def __rmul__(self, other):
        return self * other  # c a = a c

    def __sub__(self, other):
        return self + (-other)  # a - b = a + (-b)

    def __rsub__(self, other):
        return (-self) + other  # c - a = (-a) + c

    def __truediv__(self, other):
        return self * (other.reciprocal() if isinstance(other, Value) else 1.0 / other)  # a / b = a (1/b)

    def __rtruediv__(self, other):
        return self.reciprocal() * other  # c / a = (1/a) c

    def sigmoid(self):
        return (1 + (-self).exp()).reciprocal()  # 1 / (1 + e^-a)


def topological_order(root: Value) -> list[Value]:
    """Every node root depends on, each after all of its inputs; root last (iterative: no recursion limit)."""
    order, seen = [], set()
    stack = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((p, False) for p in reversed(node.parents) if id(p) not in seen)
    return order


def backward(root: Value) -> list[Value]:
    """Fill in grad = d(root)/d(node) for every node; returns the topological order used."""
    order = topological_order(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):  # each node's grad is complete before it is passed on to its inputs
        for parent, local in zip(node.parents, node.local):
            parent.grad += local * node.grad  # the chain rule, one edge at a time
    return order


@dataclass(frozen=True, eq=False)
class Graph:
    """A recorded computation: n nodes in topological order (the output last) and E edges input -> node.

    Forward pass: node k's value needs only nodes before k. Backward pass: in reverse order, each node
    passes product[e] = local[e] * grad[dst[e]] to its input src[e]; grad[i] is the sum of what it receives.
    """

    op: tuple[str, ...]  # (n,) "input", "+", "×", "neg", "exp", "log", "1/x", "+ 1", "× 0.5", ...
    label: tuple[str, ...]  # (n,) the names given to nodes ("w1", "W[0,1]"), "" for the others
    value: np.ndarray  # (n,) forward values
    grad: np.ndarray  # (n,) d(output)/d(node)
    src: np.ndarray  # (E,) int: the input of each edge
    dst: np.ndarray  # (E,) int: the node computed from it
    local: np.ndarray  # (E,) d value[dst] / d value[src]

    @property
    def size(self) -> int:
        return len(self.op)

    @property
    def output(self) -> int:
        return self.size - 1

    @property
    def product(self) -> np.ndarray:
        """(E,) the chain-rule product on each edge: local derivative x the gradient arriving at dst."""
        return self.local * self.grad[self.dst]

    def index(self, label: str) -> int:
        if label not in self.label:
            raise ValueError(f"no node is labelled {label!r}")
        return self.label.index(label)


def record(root: Value) -> Graph:
    """Run backward(root) and snapshot the graph."""
    order = backward(root)
    position = {id(node): i for i, node in enumerate(order)}
    edges = [(position[id(p)], i, local) for i, node in enumerate(order) for p, local in zip(node.parents, node.local)]
    src, dst, local = (np.array(col) for col in zip(*edges)) if edges else (np.zeros(0),) * 3
    return Graph(
        op=tuple(n.op for n in order), label=tuple(n.label for n in order),
        value=np.array([n.data for n in order]), grad=np.array([n.grad for n in order]),
        src=src.astype(np.intp), dst=dst.astype(np.intp), local=local.astype(float),
    )
