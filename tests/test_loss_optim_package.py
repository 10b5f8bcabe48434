"""The issue 10 / 12 engine modules stay numpy-only, load lazily and are listed in linviz.__all__."""
import subprocess
import sys

MODULES = ["binary", "common_slice", "information", "minibatch", "regularization", "sanity", "search", "shapes",
           "slices"]


def test_new_engine_modules_import_no_ui_libraries():
    imports = ", ".join(f"linviz.{m}" for m in MODULES)
    code = (f"import sys, linviz, {imports}; "
            "print(sorted(m for m in ('streamlit', 'plotly', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_new_modules_load_as_attributes():
    code = "import linviz; print(' '.join(sorted(m for m in linviz.__all__)), linviz.search.race.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert set(MODULES) <= set(out.split()) and out.split()[-1] == "race"
