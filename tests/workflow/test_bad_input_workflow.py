"""Bad input through ``snakemake``: one message naming file and key, no traceback, no job.

The cases are those of tests/schema/test_bad_input_corpus.py that Snakemake reads itself (the
main configuration file) or reads early (figure files), plus a target that is not configured.
"""

from __future__ import annotations

import pytest

from tests.schema.test_bad_input_corpus import CORPUS, apply
from tests.workflow.test_workflow import snakemake

pytestmark = pytest.mark.workflow


@pytest.mark.parametrize("case", ["config-not-utf8", "config-yaml-syntax", "config-duplicate-key", "defaults-nan",
                                  "figures-not-utf8", "select-path", "derived-from-categorical"])
def test_snakemake_stops_before_any_job_with_one_message(test_config, case):
    apply(test_config, case)
    proc = snakemake(test_config, "--cores", "1", check=False)
    text = proc.stdout + proc.stderr
    assert proc.returncode != 0
    for fragment in CORPUS[case][2]:
        assert fragment in text, f"{case}: {fragment!r} not in\n{text}"
    assert "Traceback" not in text and "Exception" not in text, text
    assert not (test_config / "results").exists()


def test_a_target_that_is_not_configured_lists_the_configured_ones(test_config):
    proc = snakemake(test_config, "--cores", "1", "results/li_tradeoff/fig9/fig9.png", check=False)
    text = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert text.strip().splitlines()[-1] == ("isac-sweep: li_tradeoff/fig9 is not a configured figure "
                                              "(config/config.yaml, select); configured: li_tradeoff/fig3, "
                                              "li_tradeoff/fig5")
    assert "Traceback" not in text and "InputFunctionException" not in text
    assert not (test_config / "results").exists()
