"""The HTML report in a real browser (headless Chromium), at a desktop and a phone width.

The report is built from the .test configuration (both li_tradeoff figures) with the errata.
At each width a probe script, added to a copy of the page, records after loading whether
the page is wider than the window, which elements stick out of it (tables may scroll inside
their own box), and whether every image decoded. A screenshot per width is kept under
``results/report-screenshots/`` (CI keeps ``results/``).

Chromium comes from Debian's ``chromium`` package: installed here when running as root with
apt-get (as CI does), otherwise the tests skip, saying why.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from isac_core.config import load_experiment
from isac_core.pipeline import report, run_figure
from tests.conftest import ROOT, read_yaml

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 400}
SCREENSHOTS = ROOT / "results" / "report-screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--virtual-time-budget=10000"]

PROBE = """<script>
window.addEventListener('load', () => {
  const root = document.documentElement, width = root.clientWidth;
  const sticking = [...document.body.querySelectorAll('*')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > width + 1 && !e.closest('.scroll');
  }).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''));
  const images = [...document.images];
  const probe = document.createElement('pre');
  probe.id = 'probe';
  probe.textContent = JSON.stringify({width, scrollWidth: root.scrollWidth, images: images.length,
    broken: images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.alt), sticking: sticking.slice(0, 20)});
  document.body.appendChild(probe);
});
</script>"""


@pytest.fixture(scope="module")
def chromium():
    found = shutil.which("chromium")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("the browser tests need Debian's chromium (installed automatically as root with apt-get)")
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, capture_output=True)
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def report_html(tmp_path_factory):
    results = tmp_path_factory.mktemp("results")
    specs = load_experiment(read_yaml(ROOT / ".test/config/config.yaml"), workdir=ROOT / ".test")
    entries = []
    for spec in specs:
        p = run_figure(spec, results)
        entries.append((p["dataset"], p["check"], p["png"]))
    return report(entries, results / "report" / "index.html", errata=ROOT / "docs" / "errata.md")


def _browse(chromium, page, width, *args):
    return subprocess.run([chromium, *FLAGS, f"--window-size={width},900", f"--user-data-dir={page.parent / 'ud'}",
                           *args, page.as_uri()], capture_output=True, text=True, timeout=120)


def _probe(chromium, report_html, width):
    page = report_html.with_name(f"probe-{width}.html")
    page.write_text(report_html.read_text().replace("</body>", PROBE + "</body>"))
    dom = _browse(chromium, page, width, "--dump-dom").stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, f"the probe did not run at {width} px"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


@pytest.mark.parametrize("name", sorted(WIDTHS))
def test_nothing_overflows_and_every_image_loads(chromium, report_html, name):
    width = WIDTHS[name]
    probe = _probe(chromium, report_html, width)
    assert probe["images"] == 2 and probe["broken"] == [], probe
    assert probe["scrollWidth"] <= probe["width"], probe
    assert probe["sticking"] == [], probe
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"report-{name}-{width}px.png"
    _browse(chromium, report_html, width, f"--screenshot={shot}")
    assert shot.exists() and shot.stat().st_size > 10_000


def test_the_probe_sees_an_overflow(chromium, report_html, tmp_path):
    """The check can fail: a fixed 640 px image (the report's old style) overflows a phone screen."""
    page = tmp_path / "fixed.html"
    page.write_text(report_html.read_text().replace("img{max-width:100%;height:auto;", "img{width:640px;"))
    probe = _probe(chromium, page, WIDTHS["phone"])
    assert probe["scrollWidth"] > probe["width"] and any(s.startswith("img") for s in probe["sticking"])


def test_report_names_the_papers_and_links_the_errata(report_html):
    text = report_html.read_text()
    assert "<meta name='viewport'" in text
    assert '<h2 class="paper" id="paper-li_tradeoff"><i>li_tradeoff (workflow test)</i>' in text
    assert 'href="#li_tradeoff/fig3"' in text and 'href="#top"' in text
    assert 'id="quoted"' in text and 'id="errata"' in text and "Corrections to printed equations" in text


def test_no_link_to_a_missing_section(report_html, tmp_path):
    from isac_core.report import write_report

    entries = [(p, p.with_name(p.name.replace(".zarr", ".check.json")), p.with_name(p.name.replace(".zarr", ".png")))
               for p in sorted(report_html.parent.parent.glob("*/*/*.zarr"))]
    text = write_report(entries, tmp_path / "index.html").read_text()  # no errata given
    assert 'href="#errata"' not in text and 'id="errata"' not in text
    assert ('href="#quoted"' in text) == ('id="quoted"' in text)
