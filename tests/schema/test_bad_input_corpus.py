"""A corpus of bad inputs: each gives one message naming file, figure (if any) and key, no
traceback, and no job runs.

Every case edits a copy of ``.test/config`` as text (or bytes), the way a person's editor would,
and is run through ``isac validate`` in this process; a sample also goes through ``snakemake``
(tests/workflow/test_bad_input_workflow.py).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from isac_core.cli import main
from tests.conftest import ROOT

CONFIG = "config/config.yaml"
FIGS = "config/figures/li_tradeoff.yaml"


def replace(old, new, count=1):
    def edit(text):
        assert old in text, f"{old!r} not in the file"
        return text.replace(old, new, count)
    return edit


def append(extra):
    return lambda text: text + extra


# (file, edit of its text or bytes, fragments the one message must contain)
CORPUS = {
    # encoding and syntax, in either file
    "config-not-utf8": (CONFIG, b"# caf\xe9\n", [f"{CONFIG}: not UTF-8 text: byte 0xe9 at line 1, column 6"]),
    "figures-not-utf8": (FIGS, b"title: \"\xff\"\n", [f"{FIGS}: not UTF-8 text: byte 0xff at line"]),
    "config-yaml-syntax": (CONFIG, replace("seed: 7", "seed: [7"), [f"{CONFIG}: not valid YAML at line"]),
    "config-bad-indent": (CONFIG, replace("  target_se: 0.02", "   target_se: 0.02\n  batch_size: 1\n x: 1"),
                          [f"{CONFIG}: not valid YAML at line"]),
    "figures-yaml-syntax": (FIGS, replace("metrics: [p_det]", "metrics: [p_det"), [f"{FIGS}: not valid YAML at line"]),
    "config-tab": (CONFIG, replace("  target_se", "\ttarget_se"), [f"{CONFIG}: not valid YAML at line"]),
    # a key given twice
    "config-duplicate-key": (CONFIG, append("seed: 8\n"), [CONFIG, "key 'seed' is given twice"]),
    "config-duplicate-nested": (CONFIG, replace("  chunk_size: 3", "  chunk_size: 3\n  chunk_size: 4"),
                                [CONFIG, "key 'chunk_size' is given twice"]),
    "figures-duplicate-key": (FIGS, replace("    metrics: [p_det]", "    metrics: [p_det]\n    metrics: [p_det]"),
                              [FIGS, "key 'metrics' is given twice"]),
    # NaN and infinity anywhere numeric
    "defaults-nan": (CONFIG, replace("target_se: 0.02", "target_se: .nan"),
                     [f"{CONFIG}, key 'defaults.target_se': nan is not a finite number"]),
    "defaults-inf": (CONFIG, replace("batch_size: 500", "batch_size: .inf"),
                     [f"{CONFIG}, key 'defaults.batch_size': inf is not a finite number"]),
    "seed-minus-inf": (CONFIG, replace("seed: 7", "seed: -.inf"), [f"{CONFIG}, key 'seed': -inf is not a finite"]),
    "grid-nan": (FIGS, replace("p_s: {values: [0.1, 0.2, 0.6]", "p_s: {values: [0.1, .nan, 0.6]"),
                 [f"{FIGS}, figure 'fig3', key 'grid.p_s.values.1': nan is not a finite number"]),
    "check-tolerance-inf": (FIGS, replace("tolerance: 0.0005", "tolerance: .inf"),
                            [f"{FIGS}, figure 'fig3', key 'checks.0.tolerance': inf is not a finite number"]),
    "expected-nan": (FIGS, replace("expected: 0.3245", "expected: .NaN"),
                     [f"{FIGS}, figure 'fig3', key 'checks.0.expected': nan is not a finite number"]),
    "fixed-inf": (FIGS, replace("      curves: D\n", "      curves: D\n    fixed: {alpha: .inf}\n"),
                  [f"{FIGS}, figure 'fig3', key 'fixed.alpha': inf is not a finite number"]),
    # derived parameters
    "derived-from-categorical": (FIGS, replace('      m: "n"', '      m: "n * count_model"\n    fixed: '
                                                                 "{count_model: poisson}"),
                                 [f"{FIGS}, figure 'fig5', key 'derived.m'", "count_model, a categorical parameter"]),
    "derived-unknown-name": (FIGS, replace('      m: "n"', '      m: "n * q"'), [f"{FIGS}, figure 'fig5'", "derived"]),
    # select
    "select-path": (CONFIG, replace("  li_tradeoff: [fig3, fig5]", "  ../../x: all"),
                    [f"{CONFIG}, key 'select.../../x'", "is not allowed here: a paper key"]),
    "select-upper-case": (CONFIG, replace("  li_tradeoff: [fig3, fig5]", "  Li_Tradeoff: all"),
                          [f"{CONFIG}, key 'select.Li_Tradeoff'"]),
    "select-unknown-paper": (CONFIG, replace("  li_tradeoff: [fig3, fig5]", "  no_paper: all"),
                             [f"{CONFIG}, key 'select.no_paper': no figure file"]),
    "select-unknown-figure": (CONFIG, replace("[fig3, fig5]", "[fig3, fig9]"),
                              [f"{CONFIG}, key 'select.li_tradeoff'", "no figure 'fig9'"]),
    # shapes
    "config-is-a-list": (CONFIG, lambda text: "- seed: 7\n", [f"{CONFIG}: the top level must be a mapping"]),
    "config-unknown-key": (CONFIG, append("failing_check: warn\n"), [CONFIG, "unknown key 'failing_check'"]),
    "failing-checks-value": (CONFIG, append("failing_checks: maybe\n"), [f"{CONFIG}, key 'failing_checks'"]),
    # naming rules explained, not printed as a regular expression
    "figure-key-rule": (FIGS, replace("  fig3:", "  Fig-3:"),
                        [FIGS, "'Fig-3' is not allowed here: a figure key is 'fig' or 'table', a number"]),
    "select-key-rule": (CONFIG, replace("[fig3, fig5]", "[Fig3, fig5]"),
                        [CONFIG, "key 'select.li_tradeoff.0': 'Fig3' is not allowed here: a figure key is"]),
    # a dimensionless bound is printed without a bare "1" for its unit
    "dimensionless-bound": (FIGS, replace("    metrics: [p_det]\n", "    metrics: [p_det]\n    fixed: {n: -3}\n"),
                            [FIGS, "figure 'fig3', key 'fixed.n'", "interferers must be >= 0"]),
}


def apply(workdir, case):
    name, edit, _ = CORPUS[case]
    path = workdir / name
    if isinstance(edit, bytes):
        path.write_bytes(edit + path.read_bytes())
    else:
        path.write_text(edit(path.read_text()))


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_bad_input_gives_one_clear_message(test_config, monkeypatch, case):
    apply(test_config, case)
    monkeypatch.chdir(test_config)
    with pytest.raises(SystemExit) as info:
        main(["validate"])
    message = str(info.value.code)
    for fragment in CORPUS[case][2]:
        assert fragment in message, f"{case}: {fragment!r} not in\n{message}"
    assert "Traceback" not in message and message.startswith("isac: ")


def test_a_dimensionless_bound_has_no_unit_printed(test_config, monkeypatch):
    apply(test_config, "dimensionless-bound")
    monkeypatch.chdir(test_config)
    with pytest.raises(SystemExit) as info:
        main(["validate"])
    assert str(info.value.code).endswith("number of sensing interferers must be >= 0")  # not ">= 0 1"


def test_a_dimensional_number_without_a_unit_is_flagged(test_config, monkeypatch, caplog, capsys):
    path = test_config / FIGS
    path.write_text(path.read_text().replace("D: {values: [15, 20], units: m}", "D: {values: [15, 20]}"))
    monkeypatch.chdir(test_config)
    main(["validate"])
    assert "configuration valid" in capsys.readouterr().out
    assert ("figure 'fig3', key 'grid.D': the values have no unit, so they are read in m (target distance's "
            "canonical unit); add 'units: m'") in caplog.text


def test_the_corpus_cases_are_all_valid_before_their_edit(test_config, monkeypatch, capsys):
    monkeypatch.chdir(test_config)
    main(["validate"])
    assert "configuration valid" in capsys.readouterr().out


def isac(*args, cwd):
    return subprocess.run([sys.executable, "-m", "isac_core.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_isac_outside_the_repository(tmp_path):
    proc = isac("list", cwd=tmp_path)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "config/config.yaml: no configuration file here" in proc.stderr and "--config" in proc.stderr


def test_isac_with_a_missing_config_file(tmp_path):
    proc = isac("--config", "nowhere.yaml", "validate", cwd=ROOT)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "nowhere.yaml: no configuration file here" in proc.stderr


def test_isac_piped_into_head():
    proc = subprocess.run(f"{sys.executable} -m isac_core.cli list | head -1", shell=True, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip() == "models:"
    assert proc.stderr == "", proc.stderr
