"""The engine stays numpy-only and light to import."""
import subprocess
import sys


def run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_engine_imports_no_ui_libraries():
    out = run("import sys, linviz, linviz.losses, linviz.train, linviz.landscape, linviz.datasets, "
              "linviz.optim, linviz.gradcheck, linviz.model; "
              "print(sorted(m for m in ('streamlit', 'plotly', 'pandas') if m in sys.modules))")
    assert out.strip() == "[]"


def test_lazy_submodules():
    assert run("import linviz; print(linviz.losses.svm_loss.__name__)").strip() == "svm_loss"
    out = run("import sys, linviz; print('numpy' in sys.modules)")
    assert out.strip() == "False"  # nothing heavy until a submodule is used
