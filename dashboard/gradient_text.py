"""LaTeX of the gradient pages (issue 11): the slide's lists, the difference quotients, the derivations of the two
update rules and the chain rule on the graph, each with the live numbers the engine computed. Pure functions of
numbers and strings (no Streamlit), so every line is unit-tested.
"""
from __future__ import annotations

import numpy as np

from dashboard.figures import format as fmt
from linviz.gradcheck import relative_errors

RED = "#C00000"  # the entry just probed / the number that changed (figures.ALERT)


def num(v: float, digits: int = 4) -> str:
    """v for LaTeX (format.tex_num): 0.05057, -2.5, 3.2\\times10^{-7}; integers stay integers."""
    return fmt.tex_num(v, digits)


def fixed(v: float, decimals: int) -> str:
    """v to a fixed number of decimals for LaTeX, as the slide writes losses (1.25347)."""
    return fmt.tex(fmt.fixed(v, decimals))


def paren(v: float, digits: int = 3) -> str:
    """A factor in a product: negative numbers in parentheses."""
    return fmt.paren(num(v, digits))


def quotient_digits(loss_plus: float, loss_other: float, tol: float = 0.01) -> int:
    """The fewest decimals (5 at least, as on the slide; 15 at most) at which the two written losses still give
    their difference to within tol: then the quotient written with them reproduces the slope shown."""
    a, b = float(loss_plus), float(loss_other)
    for d in range(5, 16):
        if abs((round(a, d) - round(b, d)) - (a - b)) <= tol * abs(a - b):
            return d
    return 15


FLOAT64_DIGITS = 16  # the significant digits a float64 keeps (ε = 2.2e-16)
BEST_H = {"forward": 1e-8, "centered": 1e-5}  # ≈ √ε and ε^(1/3) (float64): below them round-off dominates


def roundoff(h: float, method: str) -> bool:
    """Whether h is below the best h of the method: there the quotient's error is mostly round-off."""
    return float(h) < BEST_H[method]


def loss_decimals(loss_plus: float, loss_other: float, h: float = 1.0, method: str = "forward") -> int:
    """The decimals both losses of a probe are written with: quotient_digits, or, when they are equal in float64
    although h is below the best h (the probe fell below the last digit: round-off, not a flat loss), all the
    digits float64 keeps, so that "equal in every digit" is visible."""
    a, b = float(loss_plus), float(loss_other)
    if a != b or not np.isfinite(a) or not roundoff(h, method):
        return quotient_digits(a, b)
    e = int(np.floor(np.log10(abs(a)))) if a else 0
    return int(min(15, max(5, FLOAT64_DIGITS - 1 - e)))


def agreeing_digits(loss_plus: float, loss_other: float) -> int:
    """The leading significant digits in which two losses agree (FLOAT64_DIGITS when they are equal)."""
    a, b = float(loss_plus), float(loss_other)
    if a == b:
        return FLOAT64_DIGITS
    return int(min(FLOAT64_DIGITS, max(0, np.floor(-np.log10(abs(a - b) / max(abs(a), abs(b)))))))


# ---------------------------------------------------------------- the numerical gradient
def entry(name: str) -> str:
    """'W[1,0]' -> 'W_{10}', 'b[2]' -> 'b_{2}'; 'W[0,10]' -> 'W_{0,10}' (an index of two digits keeps its comma)."""
    base, _, rest = name.partition("[")
    index = rest.rstrip("]")
    if any(len(part) > 1 for part in index.split(",")):
        return f"{base}_{{{index}}}"
    return f"{base}_{{{index.replace(',', '')}}}" if rest else name


def walkthrough_columns(x, *, probed: int | None, h: float, method: str, slopes, names=None, more: bool = False,
                        digits: int = 3, before: bool = False) -> str:
    """The slide's three lists side by side: current W, W + h on dimension `probed` (None: not yet), and the
    gradient dW with the slopes found so far (NaN: '?'). x (P,), slopes (P,); names label the rows; `more`
    ends each list with the slide's '...', and `before` starts each with it (rows left out above)."""
    x, slopes = np.asarray(x, dtype=float), np.asarray(slopes, dtype=float)
    step = "+" if method == "forward" else r"\pm"

    def column(cells: list[str], title: str) -> str:
        rows = ([r"\vdots"] if before else []) + cells + ([r"\vdots"] if more else [])
        return rf"\overset{{\text{{{title}}}}}{{\begin{{bmatrix}}" + r" \\ ".join(rows) + r"\end{bmatrix}}"

    current = [num(v, digits) for v in x]
    plus = [rf"\color{{{RED}}}{{\mathbf{{{num(v, digits)} {step} {num(h, 2)}}}}}" if i == probed else num(v, digits)
            for i, v in enumerate(x)]
    grad = [(rf"\color{{{RED}}}{{\mathbf{{{num(g, digits)}}}}}" if i == probed else num(g, digits))
            if np.isfinite(g) else "?" for i, g in enumerate(slopes)]
    parts = [column(current, "current W"), column(plus, "W " + ("+" if method == "forward" else "±") + " h"),
             column(grad, "gradient dW")]
    if names is not None:
        rows = ([r"\,"] if before else []) + [entry(n) for n in names] + ([r"\,"] if more else [])
        labels = r"\begin{matrix}" + r" \\ ".join(rows) + r"\end{matrix}"
        parts.insert(0, rf"\overset{{\phantom{{W}}}}{{{labels}}}")
    return r"\quad ".join(parts)


def quotient(name: str, *, loss: float, loss_plus: float, loss_minus: float, h: float, method: str,
             slope: float) -> str:
    """The probe's arithmetic: dL/d(entry) = (L(W + h) - L(W)) / h = (1.25322 - 1.25347) / 0.0001 = -2.5."""
    other = loss if method == "forward" else loss_minus
    d = loss_decimals(loss_plus, other, h, method)
    lhs = rf"\frac{{\partial L}}{{\partial {entry(name)}}} \approx "
    if method == "forward":
        return (lhs + r"\frac{L(W + h) - L(W)}{h} = "
                + rf"\frac{{{fixed(loss_plus, d)} - {fixed(loss, d)}}}{{{num(h, 3)}}} = {num(slope, 5)}")
    return (lhs + r"\frac{L(W + h) - L(W - h)}{2h} = "
            + rf"\frac{{{fixed(loss_plus, d)} - {fixed(loss_minus, d)}}}{{2 \cdot {num(h, 3)}}} = {num(slope, 5)}")


# ---------------------------------------------------------------- the derivations (linviz.derivations.RuleStep)
def _terms(factors: list[list[float]], show: int = 1) -> str:
    """'(a)(b) + (c)(d) + \\cdots + (y)(z)' of per-example factor lists: the first `show` and the last."""
    def one(fs):
        return "".join(f"({num(f, 3)})" for f in fs)

    if len(factors) <= show + 1:
        return " + ".join(one(f) for f in factors)
    return " + ".join(one(f) for f in factors[:show]) + r" + \cdots + " + one(factors[-1])


def _squares(values, show: int = 2) -> str:
    """'(a)^2 + (b)^2 + \\cdots + (z)^2' of the first `show` values and the last."""
    cells = [f"({num(v, 3)})^2" for v in values]
    return " + ".join(cells) if len(cells) <= show + 1 else " + ".join(cells[:show]) + r" + \cdots + " + cells[-1]


def derivation(step, X, y, j: int, numerical: float) -> list[str]:
    """Every line of the slide's derivation of dL/dw_j for linviz.derivations.RuleStep `step` on X (N, D),
    y (N,), with the live numbers; then the numerical check and the update of w_j."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    N = len(y)
    total, grad = float(step.terms[:, j].sum()), float(step.gradient[j])
    if step.rule == "least_squares":
        lines = [
            rf"L = \sum_{{k=1}}^{{{N}}} (y_k - \mathbf{{w}}^T\mathbf{{x}}_k)^2 = {_squares(step.delta)} = "
            rf"{num(step.loss, 5)}",
            r"\frac{\partial L}{\partial w_" + str(j) + r"} = \sum_{k} \frac{\partial}{\partial w_" + str(j)
            + r"} (y_k - \mathbf{w}^T\mathbf{x}_k)^2 = \sum_k 2(y_k - \mathbf{w}^T\mathbf{x}_k)"
            r"\frac{\partial}{\partial w_" + str(j) + r"}(y_k - \mathbf{w}^T\mathbf{x}_k)",
            r"= -2 \sum_k \delta_k \frac{\partial}{\partial w_" + str(j) + r"} \mathbf{w}^T\mathbf{x}_k, \qquad "
            rf"\delta_k = y_k - \mathbf{{w}}^T\mathbf{{x}}_k: \ \delta_1 = {num(y[0], 3)} - {paren(step.output[0])}"
            rf" = {num(step.delta[0], 3)}",
            r"= -2 \sum_k \delta_k \frac{\partial}{\partial w_" + str(j) + r"} \sum_i w_i x_{ki} = -2 \sum_k "
            rf"\delta_k x_{{k{j}}}",
            rf"= -2\big({_terms([[step.delta[k], X[k, j]] for k in range(N)])}\big)",
            rf"= -2 \times {paren(total, 4)} = {num(grad, 5)}"]
        rule = rf"w_{j} \leftarrow w_{j} + 2\alpha \sum_k \delta_k x_{{k{j}}}"
    else:
        lines = [
            # (two rows: on one, with numbers like 2.67 × 10⁻⁵, it ran past the column at 1280 px)
            r"\begin{gathered}\sigma(x) = \frac{1}{1 + e^{-x}}, \qquad \sigma'(x) = \sigma(x)(1 - \sigma(x)), \\ "
            rf"d_i = \sum_k w_k x_{{ik}}: \ d_1 = {num(step.d[0], 3)}, \ \sigma_1 = {num(step.output[0], 3)}"
            r"\end{gathered}",
            rf"L = \sum_{{i=1}}^{{{N}}} \Big(y_i - \sigma\big(\textstyle\sum_k w_k x_{{ik}}\big)\Big)^2 = "
            rf"{num(step.loss, 5)}",
            rf"\frac{{\partial L}}{{\partial w_{j}}} = \sum_i 2\big(y_i - \sigma(d_i)\big)\Big(-\frac{{\partial}}"
            rf"{{\partial w_{j}}}\sigma(d_i)\Big) = \sum_i -2\big(y_i - \sigma(d_i)\big)\sigma'(d_i)"
            rf"\frac{{\partial}}{{\partial w_{j}}}\sum_k w_k x_{{ik}}",
            rf"= \sum_i -2\,\delta_i\,\sigma(d_i)\big(1 - \sigma(d_i)\big)\,x_{{i{j}}}, \qquad \delta_i = y_i - "
            rf"\sigma_i: \ \delta_1 = {num(y[0], 3)} - {paren(step.output[0])} = {num(step.delta[0], 3)}",
            rf"= -2\big({_terms([[step.delta[k], step.slope[k], X[k, j]] for k in range(N)])}\big)",
            rf"= -2 \times {paren(total, 4)} = {num(grad, 5)}"]
        rule = rf"w_{j} \leftarrow w_{j} + 2\alpha \sum_i \delta_i \sigma_i (1 - \sigma_i) x_{{i{j}}}"
    probe = rf"\frac{{L(\mathbf{{w}} + h\mathbf{{e}}_{j}) - L(\mathbf{{w}} - h\mathbf{{e}}_{j})}}{{2h}}"
    lines.append(rf"\text{{numerically: }} {probe} = {num(numerical, 5)} \quad (\text{{analytic }} {num(grad, 5)})")
    lines.append(rule + rf" = {num(step.w[j], 4)} + 2 \times {num(step.alpha, 3)} \times {paren(total, 4)} = "
                 rf"{num(step.w_new[j], 4)}")
    return lines


# ---------------------------------------------------------------- the finished walkthrough
def completion_note(slopes, analytic, names, h: float, method: str) -> str:
    """What the page says when dW is complete: the largest entrywise relative error |a − n| / max(|a| + |n|, 1e-8)
    (linviz.gradcheck.relative_errors) and where. When that entry is tiny next to the rest of dW, a large relative
    error there is the difference quotient's own error (∝ h forward, ∝ h² centered) on a number near 0, not a wrong
    gradient: the note says so, with the error against the whole gradient ‖a − n‖ / (‖a‖ + ‖n‖) beside it."""
    n, a = np.asarray(slopes, dtype=float), np.asarray(analytic, dtype=float)
    errors = relative_errors(n, a)
    i = int(np.argmax(errors))
    text = (f"dW is complete. Largest relative error against the analytic gradient (◆): **{errors[i]:.1e}**, at "
            f"{names[i]} (h = {h:g}, {method}).")
    scale = float(np.max(np.abs(a))) if a.size else 0.0
    if errors[i] < 1e-2 or not (abs(a[i]) < 0.01 * scale and abs(n[i] - a[i]) < 0.01 * scale):
        return text  # (small, or a real disagreement: a slope far from a tiny entry is not the quotient's error)
    whole = float(np.linalg.norm(n - a) / max(np.linalg.norm(n) + np.linalg.norm(a), 1e-300))
    order = "h" if method == "forward" else "h²"
    return (text + f" There the gradient itself is only {fmt.short(a[i], 3)} (the largest entry is "
            f"{fmt.short(scale, 3)}): the difference quotient's own error, |a − n| = {abs(n[i] - a[i]):.1e} "
            f"(it grows like {order}), is as large as the entry, so the ratio is large although the slope is "
            f"right. Against the whole gradient, ‖a − n‖ / (‖a‖ + ‖n‖) = **{whole:.1e}**."
            + (" The centered difference (error ∝ h², chosen above) makes it far smaller." if method == "forward"
               else ""))


# ---------------------------------------------------------------- the computation graph (linviz.autodiff.Graph)
def _op_tex(op: str, args: list[str]) -> str:
    """A node's operation applied to its inputs: 0.5 \\times 1.5, e^{1.25}, \\log(0.223), 1 / 4.49, ..."""
    a = args[0] if args else ""
    if op == "×" and len(args) == 2:
        return rf"{args[0]} \times {args[1]}"
    if op == "+" and len(args) == 2:
        return f"{args[0]} + {args[1]}"
    simple = {"neg": f"-{a}", "exp": f"e^{{{a}}}", "log": rf"\log {a}", "1/x": f"1 / {a}",
              "max(0, x)": rf"\max(0, {a})"}
    if op in simple:
        return simple[op]
    if op.startswith(("+ ", "- ")):
        return f"{a} {op}"
    if op.startswith("× "):
        return rf"{op[2:]} \times {a}"
    return rf"\operatorname{{{op}}}({', '.join(args)})"


def node_tex(graph, i: int) -> str:
    """How a node is named in a formula: its label (w_1, x_2) or its operation in brackets."""
    if graph.op[i] == "input":
        label = graph.label[i]
        return f"{label[0]}_{{{label[1:]}}}" if label[1:].isdigit() else rf"\text{{{label}}}"
    return r"[" + graph.op[i].replace("×", r"\times ") + "]"


def forward_step(graph, i: int) -> str:
    """Node i of the forward pass: its operation on its inputs' values, and its value."""
    inputs = [int(s) for s, d in zip(graph.src, graph.dst) if d == i]
    if not inputs:
        return rf"{node_tex(graph, i)} = {num(graph.value[i])}"
    expr = _op_tex(graph.op[i], [paren(graph.value[s], 4) for s in inputs])
    return rf"{node_tex(graph, i)}:\quad {expr} = {num(graph.value[i])}"


def backward_step(graph, i: int) -> str:
    """Node i of the backward pass: its gradient, the sum over its outgoing edges of local x upstream (the local
    derivative of the node above with respect to this one, times that node's gradient)."""
    out = [e for e, s in enumerate(graph.src) if s == i]
    lhs = rf"\frac{{\partial L}}{{\partial {node_tex(graph, i)}}}"
    if not out:
        return lhs + r" = 1 \quad (\text{the output})"
    parts = " + ".join(rf"{paren(graph.local[e])} \times {paren(graph.grad[graph.dst[e]])}" for e in out)
    return rf"{lhs} = {parts} = {num(graph.grad[i])}"
