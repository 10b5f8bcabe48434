import numpy as np
import pytest
from hypothesis import settings

settings.register_profile("ci", deadline=None, max_examples=40)
settings.load_profile("ci")


@pytest.fixture
def problem():
    """A small random problem with scores away from hinge kinks (checked in the tests)."""
    rng = np.random.default_rng(42)
    N, D, C = 12, 4, 3
    W, b = rng.standard_normal((C, D)), rng.standard_normal(C)
    return W, b, rng.standard_normal((N, D)), rng.integers(0, C, N)
