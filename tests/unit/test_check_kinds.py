"""Check kinds: one registry that the figure schema, the configuration loader, the verdicts
and the report all read, so a kind is defined in one place (isac_core.checks.KINDS)."""

from __future__ import annotations

import pytest

from isac_core.checks import KINDS, CheckKind, check_figure
from isac_core.config import ConfigError, figures_schema
from isac_core.config_files import _schema
from isac_core.plotting import render
from isac_core.report import _figure_section
from tests.unit.test_checks import BASE, _dataset, _load


def _with_checks(*checks: str) -> str:
    return BASE + "    checks:\n" + "".join(f"      - {c}\n" for c in checks)


VALUE = "{kind: value, metric: p_exceed, at: {scale: 1 m, t: 1 m}, expected: 0.3679, tolerance: 0.001"


def test_the_schema_lists_exactly_the_registered_kinds():
    kind = figures_schema()["$defs"]["check"]["properties"]["kind"]
    assert kind["enum"] == list(KINDS)
    assert all(f"{name}: " in kind["description"] for name in KINDS)
    # the schema file itself holds no second list
    assert "enum" not in _schema("figures.schema.yaml")["$defs"]["check"]["properties"]["kind"]


def test_an_unknown_kind_is_refused_with_the_known_ones(monkeypatch, tmp_path):
    with pytest.raises(ConfigError, match=r"'wobble' is not one of \['value', 'crossing'"):
        _load(monkeypatch, tmp_path, _with_checks(VALUE.replace("kind: value", "kind: wobble") + "}"))


def test_a_kind_takes_only_its_own_keys(monkeypatch, tmp_path):
    assert _load(monkeypatch, tmp_path, _with_checks(VALUE + "}")).checks[0]["kind"] == "value"
    # 'direction' belongs to monotone checks: a value check used to ignore it silently
    with pytest.raises(ConfigError, match=r"key 'checks\[0\]': value checks do not take direction"):
        _load(monkeypatch, tmp_path, _with_checks(VALUE + ", direction: increasing}"))
    with pytest.raises(ConfigError, match=r"key 'checks\[0\]': value checks need tolerance"):
        _load(monkeypatch, tmp_path, _with_checks(VALUE.replace(", tolerance: 0.001", "") + "}"))


def test_a_check_without_a_key_it_needs_is_refused_not_passed(monkeypatch, tmp_path):
    """A reference check without points used to load with an empty table and pass, testing nothing."""
    with pytest.raises(ConfigError, match=r"key 'checks\[0\]': reference checks need points"):
        _load(monkeypatch, tmp_path, _with_checks(
            "{kind: reference, metric: p_exceed, along: t, at: {scale: 1 m}, relative_tolerance: 0.1}"))
    with pytest.raises(ConfigError, match=r"key 'checks\[0\]': fit checks need law") as info:
        _load(monkeypatch, tmp_path, _with_checks(
            "{kind: fit, metric: p_exceed, along: t, at: {scale: 1 m}, bounds: [0, 0.1]}"))
    assert "states no law" not in str(info.value)  # one problem, not a second one about law None


def test_a_problem_names_the_key_inside_the_check(monkeypatch, tmp_path):
    with pytest.raises(ConfigError, match=r"key 'checks\[0\]\.along': 'x' is not a grid dimension"):
        _load(monkeypatch, tmp_path, _with_checks("{kind: monotone, metric: p_exceed, along: x}"))
    with pytest.raises(ConfigError, match=r"key 'checks\[0\]\.bounds': low 2 is above high 1"):
        _load(monkeypatch, tmp_path,
              _with_checks("{kind: slope, metric: p_exceed, along: t, at: {scale: 1 m}, bounds: [2, 1]}"))


def test_an_invariance_check_of_analytic_values_needs_an_analytic_kernel(monkeypatch, tmp_path):
    """p_exceed_sim is simulated only: 'show: analytic' would test nothing and always pass."""
    check = "{kind: invariance, metric: p_exceed_sim, across: scale, tolerance: 0.01, show: analytic}"
    with pytest.raises(ConfigError, match=r"'p_exceed_sim' has no analytic kernel"):
        _load(monkeypatch, tmp_path, _with_checks(check))
    # its Monte Carlo estimates can be tested (and differ across scale: the check runs and fails)
    spec = _load(monkeypatch, tmp_path, _with_checks(check.replace("analytic}", "mc}")))
    assert not check_figure(_dataset(spec), spec)["checks"][0]["passed"]


def _at_most(ds, spec, check):
    value = float(ds[check["metric"]].max())
    return {"value": value, "passed": value <= check["bounds"][1]}


AT_MOST = CheckKind(
    name="at_most", summary="the metric never exceeds the upper bound of 'bounds'",
    run=_at_most, describe=lambda e: (f"at most {e['bounds'][1]:g}", f"max {e['value']:.4g}", "-"),
    needs=frozenset({"bounds"}),
)


@pytest.fixture
def at_most_registered(monkeypatch):
    monkeypatch.setitem(KINDS, "at_most", AT_MOST)
    figures_schema.cache_clear()
    yield
    monkeypatch.delitem(KINDS, "at_most")
    figures_schema.cache_clear()


def test_a_new_kind_is_added_in_one_place(at_most_registered, monkeypatch, tmp_path):
    """Registered once, it is accepted by the schema and the loader, run, and shown in the report."""
    text = _with_checks("{kind: at_most, metric: p_exceed, bounds: [0, 0.9]}",
                        "{kind: at_most, metric: p_exceed, bounds: [0, 0.5]}")
    spec = _load(monkeypatch, tmp_path, text)
    ds = _dataset(spec)
    verdict = check_figure(ds, spec)
    assert [c["passed"] for c in verdict["checks"]] == [True, False]  # max P[X > t] = exp(-0.5/2) = 0.78
    png = tmp_path / "fig1.png"
    render(ds, spec).savefig(png)
    html = _figure_section(ds, verdict, png, spec.model)
    assert "at most 0.9" in html and "at most 0.5" in html and "max 0.7788" in html
    with pytest.raises(ConfigError, match=r"at_most checks do not take along"):
        _load(monkeypatch, tmp_path, _with_checks("{kind: at_most, metric: p_exceed, bounds: [0, 1], along: t}"))


def test_no_two_kinds_share_a_name():
    """KINDS is built from the kind modules' tuples: a second kind of the same name would replace the first."""
    from isac_core.checks import comparison, quoted, scaling, shape

    names = [kind.name for module in (quoted, shape, scaling, comparison) for kind in module.KINDS]
    assert len(names) == len(set(names)) == len(KINDS)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_kind_states_its_keys_and_summary(name):
    kind = KINDS[name]
    assert kind.summary and not kind.needs & kind.takes
    assert set(kind.statistics) == set() or "statistic" in kind.needs | kind.takes


def test_a_range_over_a_dimension_that_is_no_parameter_is_reported_once(monkeypatch, tmp_path):
    """The grid names a dimension the model lacks: that is the one problem, not a crash of the check's range."""
    grid = "      t: {linspace: [0.5, 3, 6]}"
    text = _with_checks("{kind: slope, metric: p_exceed, along: t, at: {scale: 1 m}, bounds: [-5, 5], "
                        "within: {depth: [0, 1]}}").replace(grid, grid + "\n      depth: {values: [1]}")
    with pytest.raises(ConfigError) as info:
        _load(monkeypatch, tmp_path, text)
    message = str(info.value)
    assert "'depth' is not a parameter of model 'toy'" in message and "cannot be read" not in message
