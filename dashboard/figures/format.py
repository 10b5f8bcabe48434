"""The one family of number formatters: every number the dashboard shows is written by one of these.

Each name says what it keeps; all of them write a negative number with the real minus sign U+2212 ("−0.674",
not "-0.674"), in charts, tables and text alike. LaTeX is the exception: there "-" is typeset as a minus
(`tex` turns any of these texts into LaTeX, and `tex_num` writes LaTeX itself).

>>> sig(-0.0011), sig(1234.5), sig(9.996), sig(-2.5e-7)     # significant digits: charts, tables, metrics
('−0.00110', '1230', '10.0', '−2.50×10⁻⁷')
>>> sci(0.314), sci(100), sci(3.72e-44)                       # always a power of ten: one column's format
('3.14×10⁻¹', '1.00×10²', '3.72×10⁻⁴⁴')
>>> short(0.5), short(120), short(-1e-5), short(-0.674, 6)   # as few characters as :.4g (Python's g format)
('0.5', '120', '−1×10⁻⁵', '−0.674')
>>> fixed(-0.6744, 2), fixed(-0.0001, 3), fixed(2.90, 2, trim=True)  # a fixed number of decimals
('−0.67', '0.000', '2.9')
>>> tick_label(0.01), tick_label(1e4), tick_label(2e-5)     # log-axis tick labels
('0.01', '10⁴', '2×10⁻⁵')
>>> exact(0.00018), exact(10.0), exact(-0.5)                # slider labels: read back as exactly the value
('0.00018', '10', '−0.5')
>>> number('−2.50×10⁻⁷'), number(exact(0.00018))            # and back
(-2.5e-07, 0.00018)
>>> tex(sig(-2.5e-7)), tex_num(-2.5), tex_num(3.2e-7), tex_num(1e-12)  # LaTeX
('-2.50\\\\times10^{-7}', '-2.5', '3.2\\\\times10^{-7}', '10^{-12}')
"""
from __future__ import annotations

import math

MINUS = "\u2212"  # the real minus sign
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_FROM_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def _minus(text: str) -> str:
    return text.replace("-", MINUS)


def _power(mantissa: str, exponent: int) -> str:
    """'1.23' x 10^-5 as '1.23×10⁻⁵'."""
    return f"{mantissa}×10{str(exponent).translate(_SUPERSCRIPTS)}"


def _not_finite(v: float) -> str | None:
    return None if math.isfinite(v) else "NaN" if math.isnan(v) else f"{MINUS}∞" if v < 0 else "∞"


def sig(v: float, digits: int = 3) -> str:
    """v rounded to `digits` significant digits, trailing zeros kept (they say how exact it is): 0.821,
    −0.00110, 12.0, 1230 (from 1234.5); as a power of ten below 10⁻⁵ and from 10⁶: 1.23×10⁶, −2.50×10⁻⁷."""
    v = float(v)
    if math.isfinite(v) and v != 0:
        rounded = f"{v:.{digits - 1}e}"
        e = int(rounded.split("e")[1])
        if -5 <= e < 6:
            return _minus(f"{float(rounded):.{max(digits - 1 - e, 0)}f}")
    return sci(v, digits)  # (and 0, NaN, ±∞ as sci writes them)


def sci(v: float, digits: int = 3) -> str:
    """v in powers of ten always, `digits` significant digits: 3.14×10⁻¹, 1.00×10², 3.72×10⁻⁴⁴, 0 — for a column
    whose values span many powers of ten (one format for all of them)."""
    v = float(v)
    if (text := _not_finite(v)) is not None:
        return text
    if v == 0:
        return "0"
    mantissa, exponent = f"{v:.{digits - 1}e}".split("e")
    return _minus(_power(mantissa, int(exponent)))


def short(v: float, digits: int = 4) -> str:
    """v in as few characters as Python's :.{digits}g writes it (no trailing zeros): 0.5, 120, 0.003, −0.674,
    1.2×10⁻⁵ (a power of ten below 10⁻⁴ and from 10^digits)."""
    v = float(v)
    if (text := _not_finite(v)) is not None:
        return text
    text = f"{v + 0.0:.{digits}g}"  # (+ 0.0: no "−0" for -0.0)
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = _power(mantissa, int(exponent))
    return _minus(text)


def short_exp(s: float, digits: int = 4) -> str:
    """e^s as short writes it, also where it overflows a float: e^1000 = 1.97×10⁴³⁴ (10^(s·log₁₀e)), e^−1000 =
    5.076×10⁻⁴³⁵; an exponent
    itself too large to write is kept as e^s: e^(3.97×10¹⁵³)."""
    s = float(s)
    if abs(s) < 700.0 or not math.isfinite(s):  # (exp(709.78) is the largest float, exp(-745) rounds to 0)
        return short(math.exp(s) if math.isfinite(s) else s, digits)
    power = s * math.log10(math.e)
    if abs(power) >= 1e15:
        return f"e^({short(s, digits)})"
    exponent = math.floor(power)
    mantissa = f"{10 ** (power - exponent):.{digits}g}"
    if mantissa.startswith("10"):  # (rounded up to 10)
        mantissa, exponent = "1", exponent + 1
    return _power(mantissa, exponent)


def fixed(v: float, decimals: int = 3, *, trim: bool = False) -> str:
    """v with a fixed number of decimals, never '−0.000': −0.67, 0.000 (from −0.0001), 1.25347; with trim,
    trailing zeros dropped as the slides write it: 2.9, 0, 12.9."""
    v = float(v)
    if (text := _not_finite(v)) is not None:
        return text
    text = f"{v:.{decimals}f}"
    if not text.strip("-0."):
        text = f"{0:.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return _minus(text)


def tick_label(v: float) -> str:
    """A log-axis tick label for v > 0: 0.01, 0.2, 1, 50, 1000, 10⁴, 2×10⁻⁵."""
    e = int(math.floor(math.log10(v) + 1e-9))
    m = v / 10.0**e
    if abs(m - round(m)) < 1e-6 and -4 < e < 4:
        return sig(v, 1)
    if abs(m - 1) < 1e-6:
        return "10" + str(e).translate(_SUPERSCRIPTS)
    return sig(v, 2) if -4 < e < 4 else _minus(_power(f"{round(m, 1):g}", e))


def exact(v: float) -> str:
    """The shortest label that reads back as exactly v (number(label) == v): 0.0001, 0.00018,
    0.3, 1.2, 10, −0.5. Two options never share a label (Streamlit's select_slider maps a label back to its
    option: a shared label picked the wrong one)."""
    v = float(v)
    if v == int(v) and abs(v) < 1e15:
        return _minus(str(int(v)))
    return _minus(repr(v).replace("e-0", "e-"))  # repr: the shortest round trip; plain decimals from 1e-4 up


def number(text: str) -> float:
    """The number a text of this module (or typed by a user) stands for: '−1.23×10⁻⁶', '10⁴', '-0.5', '1e9' ->
    float (ValueError when it is not one). The inverse of sig, short, fixed, tick_label and exact."""
    text = str(text).strip().replace(MINUS, "-")
    if text.lstrip("-")[:2] == "10" and text[-1:] in "⁰¹²³⁴⁵⁶⁷⁸⁹":  # a power of ten alone: 10⁴
        text = text.replace("10", "1×10", 1)
    if "×10" in text:
        mantissa, power = text.split("×10", 1)
        text = f"{mantissa}e{power.translate(_FROM_SUPERSCRIPTS)}"
    return float(text)


def tex(text: str) -> str:
    """A number written by this module, for LaTeX: '−2.50×10⁻⁷' -> '-2.50\\times10^{-7}' ('-' is typeset as a
    minus), '∞' -> '\\infty', 'NaN' -> '\\text{NaN}'."""
    if text == "NaN":
        return r"\text{NaN}"
    text = text.replace(MINUS, "-").replace("∞", r"\infty")
    if "×10" in text:
        mantissa, power = text.split("×10")
        text = rf"{mantissa}\times10^{{{power.translate(_FROM_SUPERSCRIPTS)}}}"
    return text


def tex_num(v: float, digits: int = 4) -> str:
    """v for LaTeX with `digits` significant digits after the point, integers kept whole, trailing zeros
    dropped: 0.05057, -2.5, 123456; a power of ten below 10⁻⁴ and from 10⁶: 3.2\\times10^{-7}, 10^{-12}."""
    v = float(v)
    if (text := _not_finite(v)) is not None:
        return tex(text)
    if v == 0:
        return "0"
    e = math.floor(math.log10(abs(v)))
    if -4 <= e < 6:
        text = f"{v:.{max(digits - 1 - e, 0)}f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
        return text if text.strip("-0.") else "0"
    mantissa = f"{v / 10.0**e:.{digits - 1}f}".rstrip("0").rstrip(".")
    if mantissa in ("1", "-1"):  # 10^{-12}, not 1\times10^{-12}
        return rf"{mantissa[:-1]}10^{{{e}}}"
    return tex(_power(mantissa, e))


def paren(text: str) -> str:
    """A number as a factor in a product or after a minus: in parentheses when negative, 2.20 − (−3.10)."""
    return f"({text})" if text.startswith(("-", MINUS)) else text
