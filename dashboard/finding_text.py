"""LaTeX of the pages that show how W is found (issue 12), typeset with the live numbers. Pure strings: no
Streamlit, no engine calls."""
from __future__ import annotations

import math


def num(v: float, digits: int = 4) -> str:
    """v for LaTeX: `digits` significant digits, 1.23 \\times 10^{-5} for tiny or huge values, a real minus."""
    v = float(v)
    if not math.isfinite(v):
        return r"\infty" if v > 0 else (r"-\infty" if v < 0 else r"\text{NaN}")
    if v == 0:
        return "0"
    e = int(math.floor(math.log10(abs(v))))
    if -4 <= e < 6:
        return f"{v:.{max(digits - 1 - e, 0)}f}"
    mantissa = v / 10.0**e
    return rf"{mantissa:.{digits - 1}f} \times 10^{{{e}}}"


def gradient_costs(P: int, C: int, D: int) -> str:
    """What one gradient step costs in loss evaluations, numerical against analytic (two lines)."""
    return (rf"\begin{{gathered}} P = C\,(D + 1) = {C} \cdot {D + 1} = {P} \text{{ parameters}} \\ "
            rf"\text{{one step: numerical gradient }} 2P = {2 * P} \text{{ evaluations, analytic}} \approx 1"
            r" \end{gathered}")


def steepest_descent(lr: float) -> str:
    return (r"\theta_{t+1} = \theta_t - \alpha\, \nabla L(\theta_t), \quad \alpha = " + num(lr, 3)
            + r" \qquad (-\nabla L \text{ points downhill, steepest})")


def update_rule(optimizer: str, knobs: dict) -> str:
    """The optimizer's update, and under it its own knobs' values (on one line Adam's was wider than the column
    at 1280 px)."""
    a = num(knobs["lr"], 3)
    if optimizer == "sgd":
        rule, values = r"\theta \leftarrow \theta - \alpha\, g", rf"\alpha = {a}"
    elif optimizer == "momentum":
        rule = r"v \leftarrow \mu v - \alpha g, \quad \theta \leftarrow \theta + v"
        values = rf"\alpha = {a},\ \mu = {num(knobs['mu'], 3)}"
    elif optimizer == "nesterov":
        rule = r"v \leftarrow \mu v - \alpha\, \nabla L(\theta + \mu v), \quad \theta \leftarrow \theta + v"
        values = rf"\alpha = {a},\ \mu = {num(knobs['mu'], 3)}"
    elif optimizer == "adam":
        rule = (r"m \leftarrow \beta_1 m + (1 - \beta_1) g, \ v \leftarrow \beta_2 v + (1 - \beta_2) g^2, \ "
                r"\theta \leftarrow \theta - \alpha \frac{\hat m}{\sqrt{\hat v} + \epsilon}")
        values = rf"\alpha = {a},\ \beta_1 = {num(knobs['beta1'], 3)},\ \beta_2 = {num(knobs['beta2'], 4)}"
    elif optimizer == "rmsprop":
        rule = (r"v \leftarrow \rho v + (1 - \rho) g^2, \quad "
                r"\theta \leftarrow \theta - \alpha \frac{g}{\sqrt{v} + \epsilon}")
        values = rf"\alpha = {a},\ \rho = {num(knobs['rho'], 3)}"
    else:
        raise ValueError(f"unknown optimizer {optimizer!r}")
    return rf"\begin{{gathered}} {rule} \\ g = \nabla L(\theta_t), \quad {values} \end{{gathered}}"


def convergence_condition(lr0: float, decay: str, last_lr: float, steps: int, options: dict | None = None) -> str:
    """The lecture's condition for SGD to converge, and under it the decaying schedule with its constants
    (options: k, or gamma and step_size, as linviz.optim's schedules take them) and its numbers: α₀ and the rate of
    the last of the `steps` steps, α_{steps − 1} (step t goes from θ_t to θ_{t+1} with α_t; last_lr is that one)."""
    o = options or {}
    rule = {"inverse_time": r"\alpha_t = \frac{\alpha_0}{1 + k t}", "exponential": r"\alpha_t = \alpha_0 \gamma^t",
            "step": r"\alpha_t = \alpha_0 \gamma^{\lfloor t / s \rfloor}"}[decay]
    constants = {"inverse_time": [("k", o.get("k"))], "exponential": [(r"\gamma", o.get("gamma"))],
                 "step": [(r"\gamma", o.get("gamma")), ("s", o.get("step_size"))]}[decay]
    given = "".join(rf",\ {name} = {num(value, 3)}" for name, value in constants if value is not None)
    return (r"\begin{gathered} \sum_t \alpha_t = \infty, \quad \sum_t \alpha_t^2 < \infty \\ " + rule + given
            + rf": \quad \alpha_0 = {num(lr0, 3)} \rightarrow \alpha_{{{steps - 1}}} = {num(last_lr, 3)}"
            + r" \end{gathered}")


def full_batch_loss(N: int, value: float, reg: float) -> str:
    """The lecture's full-batch loss, then its value (two lines, for a half-width column)."""
    return (r"\begin{aligned} L &= \frac{1}{N} \sum_{i=1}^{N} L_i + \lambda R(W) \\ "
            rf"&= \frac{{1}}{{{N}}} \sum_{{i=1}}^{{{N}}} L_i + {num(reg)} = {num(value)} \end{{aligned}}")


def batch_loss(M: int, value: float, reg: float) -> str:
    """The lecture's mini-batch loss over one batch B of M examples, then its value."""
    return (r"\begin{aligned} L_B &= \frac{1}{M} \sum_{i \in B} L_i + \lambda R(W), \quad |B| = M \\ "
            rf"&= \frac{{1}}{{{M}}} \sum_{{i \in B}} L_i + {num(reg)} = {num(value)} \end{{aligned}}")


def gradient_norms(full: float, batch: float, M: int) -> str:
    return (rf"\begin{{gathered}} |\nabla L| = {num(full)}, \quad |\nabla L_B| = {num(batch)} \\ "
            r"\mathbb{E}\,\nabla L_B = \nabla L \end{gathered}")


def spread_law(sigma: float, N: int) -> str:
    return (r"\begin{gathered} \sqrt{\mathbb{E}\,|\nabla L_B - \nabla L|^2} = \frac{\sigma}{\sqrt{M}}"
            r" \sqrt{\frac{N - M}{N - 1}} \\ "
            rf"\sigma = {num(sigma)}, \ N = {N} \end{{gathered}}")
