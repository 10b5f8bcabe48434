"""The gradient modules (issue 11) stay numpy-only, load lazily, and keep to the size of the rest."""
import pathlib
import subprocess
import sys

MODULES = ["autodiff", "compgraph", "cost", "derivations", "gradcheck", "limit", "planted_bugs", "walkthrough"]


def run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_gradient_modules_import_no_ui_libraries():
    imports = ", ".join(f"linviz.{m}" for m in MODULES)
    out = run(f"import sys, {imports}; "
              "print(sorted(m for m in ('streamlit', 'plotly', 'pandas', 'sklearn') if m in sys.modules))")
    assert out.strip() == "[]"


def test_lazy_attributes():
    out = run("import linviz; print(linviz.autodiff.Value.__name__, linviz.walkthrough.SLIDE_LOSS)")
    assert out.split() == ["Value", "1.25347"]


def test_modules_stay_small():
    root = pathlib.Path(__file__).resolve().parents[1] / "linviz"
    sizes = {m: len((root / f"{m}.py").read_text().splitlines()) for m in MODULES}
    assert max(sizes.values()) <= 300, sizes
