import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.config import DEFAULT, SCHEMA, Config, param_index, param_names
from dashboard.links import from_query, to_query


def test_defaults_give_an_empty_query_and_back():
    assert to_query(DEFAULT) == {}
    assert from_query({}) == (DEFAULT, [])


def test_round_trip_of_changed_fields():
    cfg = DEFAULT.replace(dataset="spiral", n_classes=5, lr=0.0316, loss="svm", t=17, batch_size=16,
                          init="custom", W0=tuple(float(v) for v in range(15)), lrs=(0.1, 1.0),
                          show3d=True, slice="params", param1="b4", param2="W31")
    back, warnings = from_query(to_query(cfg))
    assert warnings == []
    assert back == cfg


@given(lr=st.floats(1e-4, 10), reg=st.floats(0, 10), noise=st.floats(0, 3), seed=st.integers(0, 10_000))
def test_round_trip_floats_exactly(lr, reg, noise, seed):
    cfg = DEFAULT.replace(lr=lr, reg=reg, noise=noise, seed=seed)
    assert from_query(to_query(cfg))[0] == cfg


@pytest.mark.parametrize("query, field, fragment", [
    ({"lr": "abc"}, "lr", "lr"), ({"lr": "1e9"}, "lr", "from 0.0001 to 10"), ({"lr": "nan"}, "lr", "lr"),
    ({"loss": "mse"}, "loss", "svm, softmax, ova"), ({"n_points": "12.5"}, "n_points", "whole"),
    ({"dataset": "mnist"}, "dataset", "blobs"), ({"W0": "1,2,x"}, "W0", "W0"),
    ({"show3d": "maybe"}, "show3d", "0 or 1"), ({"param1": "W99"}, "param1", "W00"),
])
def test_bad_values_fall_back_with_a_warning(query, field, fragment):
    cfg, warnings = from_query(query)
    assert getattr(cfg, field) == getattr(DEFAULT, field)
    assert any(fragment in w for w in warnings), warnings


def test_unknown_parameter_and_cross_field_repairs():
    cfg, warnings = from_query({"bogus": "1", "dataset": "xor", "n_classes": "5", "t": "150", "steps": "100"})
    assert cfg.dataset == "xor" and cfg.n_classes == 2 and cfg.t == 100
    assert any("bogus" in w for w in warnings) and any("classes" in w for w in warnings)
    cfg, warnings = from_query({"init": "custom", "W0": "1,2"})
    assert cfg.init == "small" and any("custom W" in w for w in warnings)


def test_good_values_kept_when_others_are_bad():
    cfg, warnings = from_query({"lr": "0.5", "reg": "-3"})
    assert cfg.lr == 0.5 and cfg.reg == DEFAULT.reg and len(warnings) == 1


def test_every_field_has_a_schema_and_param_names():
    assert set(SCHEMA) == set(Config.__dataclass_fields__)
    assert param_names(2) == ("W00", "W01", "W10", "W11", "b0", "b1")
    assert param_index("W12") == ("W", 1, 2) and param_index("b3") == ("b", 3)
