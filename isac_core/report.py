"""A self-contained HTML report: every figure, its verdicts, parameters and provenance.

One file with nothing to fetch: the figures are embedded as palette PNGs (a third of the
size of the plotted PNG files), the errata as text. The page reads on any width from a
phone to a wide monitor: images scale down, wide tables scroll inside their own box.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

import xarray as xr

from .checks import KINDS as CHECK_KINDS
from .units import format_quantity

__all__ = ["write_report", "quoted_numbers"]

_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;max-width:1100px;margin:1.5em auto;padding:0 .8em;color:#222;
line-height:1.4;overflow-wrap:break-word}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-top:1em}h3{font-size:1.05em}
h2.paper{border-bottom:3px solid #456;font-size:1.35em}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:.85em}
td,th{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f3f3f3}.pass{color:#060;font-weight:600}.fail{color:#b00;font-weight:600}
.recon{color:#a60}img{max-width:100%;height:auto;border:1px solid #eee}.small{font-size:.8em;color:#555}
nav ul{padding-left:1.2em}nav li{margin:.15em 0}.top{font-size:.8em;float:right;font-weight:normal}
pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.8em;background:#fafafa;padding:.6em}
"""


def _e(x) -> str:
    return html.escape(str(x))


def _z(agreement):
    """max |analytic - MC| / SE, and beyond the allowance where there is one."""
    z = f"{agreement['max_z']:.2f}"
    if agreement.get("approx_tolerance", 0.0) > 0:
        z += f" ({agreement.get('max_z_beyond_allowance', 0.0):.2f} beyond the allowance)"
    return z


def _role(check):
    """'calibrated to' with the fitted parameter, for a number that holds by construction."""
    if check.get("role") != "calibrated to":
        return ""
    return f'<br><b>calibrated to</b> this number ({_e(check.get("calibrates", ""))} fitted to it): not a prediction'


def _verdict(ok) -> str:
    return '<span class="pass">pass</span>' if ok else '<span class="fail">FAIL</span>'


def _figure_section(ds: xr.Dataset, check: dict, png: Path, model) -> str:
    img = base64.b64encode(_palette_png(png)).decode()
    out = [f'<h2 id="{_e(check["figure"])}">{_e(ds.attrs["title"])} '
           f'<span class="small">({_e(check["figure"])})</span> {_verdict(check["passed"])}'
           '<a class="top" href="#top">back to top</a></h2>']
    out.append(f'<img alt="{_e(check["figure"])}: {_e(ds.attrs["title"])}" src="data:image/png;base64,{img}">')
    for warning in check.get("warnings", []):
        out.append(f'<p class="recon"><b>Warning:</b> {_e(warning)}.</p>')
    complete = check.get("completeness", {})
    if complete and not complete.get("passed", True):
        out.append(f'<p class="recon"><b>Incomplete dataset:</b> {_e(complete.get("note", ""))}.</p>')
    if ds.attrs.get("caption"):
        out.append(f"<p>{_e(ds.attrs['caption'])}</p>")

    out.append('<h3>Analytic vs Monte Carlo</h3><div class="scroll"><table><tr><th>metric</th><th>curve</th>'
               "<th>markers</th><th>max |Δ|</th><th>max |Δ|/SE</th><th>min p-value</th><th>tolerance</th>"
               "<th>verdict</th></tr>")
    for a in check["agreement"]:
        p = f"{a['min_p_value']:.2g}" if "min_p_value" in a else "-"
        nan = f" ({a['n_nan']} NaN)" if a.get("n_nan") else ""
        against = a.get("analytic", a["metric"])
        name = a["metric"] if against == a["metric"] else f"{a['metric']} (MC) vs {against}"
        out.append(f"<tr><td>{_e(name)}</td><td>{_e(a['curve'])}</td><td>{a['n_markers']}{nan}</td>"
                   f"<td>{a['max_abs_diff']:.2e}</td><td>{_z(a)}</td><td>{p}</td><td>{_e(a['tolerance'])}</td>"
                   f"<td>{_verdict(a['passed'])}</td></tr>")
    out.append("</table></div>")
    if check["agreement"]:
        out.append(f'<p class="small">Why this tolerance: {_e(check["agreement"][0]["why"])}.</p>')

    if check["checks"]:
        out.append("<h3>Checks against the paper and the errata</h3><div class=\"scroll\"><table>"
                   "<tr><th>kind</th>"
                   "<th>metric</th><th>where</th><th>expected</th><th>ours (analytic)</th><th>Monte Carlo</th>"
                   "<th>tolerance</th><th>source</th><th>verdict</th></tr>")
        for c in check["checks"]:
            mc = f"{c['mc']:.4f} ± {c['mc_se']:.4f}" if "mc" in c else "-"
            expected, ours, tol = CHECK_KINDS[c["kind"]].describe(c)
            out.append(f"<tr><td>{_e(c['kind'])}</td><td>{_e(c['metric'])}</td><td>{_e(c['at'])}</td>"
                       f"<td>{_e(expected)}</td><td>{_e(ours)}</td><td>{mc}</td><td>{_e(tol)}</td>"
                       f"<td>{_e(c.get('source', ''))}{_role(c)}</td><td>{_verdict(c['passed'])}</td></tr>")
        out.append("</table></div>")

    out.append('<h3>Parameters</h3><div class="scroll"><table><tr><th>parameter</th><th>value</th><th>meaning</th>'
               "<th>source</th></tr>")
    for name in ds.dims:
        a = ds[name]
        unit = a.attrs.get("display_units", a.attrs["units"])
        lo, hi = (format_quantity(float(v), a.attrs["units"], unit, digits=4) for v in (a.min(), a.max()))
        out.append(f"<tr><td>{_e(name)}</td><td>swept: {a.size} values, {_e(lo)} to {_e(hi)}</td>"
                   f"<td>{_e(a.attrs['long_name'])}</td><td>figure grid</td></tr>")
    for name, coord in ds.coords.items():
        if "derived_as" in coord.attrs:
            out.append(f"<tr><td>{_e(name)}</td><td>= {_e(coord.attrs['derived_as'])}</td>"
                       f"<td>{_e(coord.attrs['long_name'])}</td><td>figure config</td></tr>")
    for name in ds.attrs["fixed_parameters"].split():
        p = ds[name].attrs
        source = model.parameters[name].source
        if p.get("set_by") == "figure":
            source = f"figure config ({ds.attrs.get('config_source', '')}); model default: {source}"
        cls = ' class="recon"' if "reconstruct" in source.lower() or "not stated" in source.lower() else ""
        out.append(f"<tr><td>{_e(name)}</td><td>{_e(p['text'])}</td><td>{_e(p['long_name'])}</td>"
                   f"<td{cls}>{_e(source)}</td></tr>")
    out.append("</table></div>")

    prov = {k: ds.attrs.get(k) for k in ("isac_core_version", "git_commit", "git_dirty", "config_hash",
                                            "config_source", "seed", "mc_trials_per_marker", "created")}
    out.append("<h3>Provenance</h3><div class=\"scroll\"><table>" + "".join(
        f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in prov.items()))
    out.append(f"<tr><th>libraries</th><td>{_e(ds.attrs.get('library_versions', ''))}</td></tr></table></div>")
    return "\n".join(out)


def _palette_png(png: Path) -> bytes:
    """The figure as an adaptive 256-colour PNG (lines and text keep their look at a third of the bytes)."""
    from PIL import Image

    with Image.open(png) as im:
        small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    small.save(buf, format="PNG")
    return buf.getvalue()


def quoted_numbers(check: dict) -> list[dict]:
    """The paper's quoted numbers among a figure's value checks, with ours and their role.

    Each entry: ``metric``, ``at``, ``paper`` (the quoted value), ``analytic``, ``mc`` (text),
    ``role`` ("predicted" or "calibrated to (... fitted to it)") and ``passed``.
    """
    out = []
    for c in check["checks"]:
        if c["kind"] != "value" or not c.get("source", "").startswith("paper"):
            continue
        role = (f"calibrated to ({c['calibrates']} fitted to it)" if c.get("role") == "calibrated to"
                else "predicted")
        out.append({"metric": c["metric"], "at": c["at"], "paper": c["expected"], "analytic": c["analytic"],
                    "mc": f"{c['mc']:.4f} ± {c['mc_se']:.4f}" if "mc" in c else "-", "role": role,
                    "passed": c["passed"]})
    return out


def _quoted_section(figures) -> str:
    rows = []
    for _, check, _ in figures:
        for q in quoted_numbers(check):
            rows.append(f'<tr><td><a href="#{_e(check["figure"])}">{_e(check["figure"])}</a></td>'
                        f"<td>{_e(q['metric'])}</td><td>{_e(q['at'])}</td><td>{_e(q['paper'])}</td>"
                        f"<td>{q['analytic']:.4f}</td><td>{_e(q['mc'])}</td><td>{_e(q['role'])}</td>"
                        f"<td>{_verdict(q['passed'])}</td></tr>")
    if not rows:
        return ""
    return ('<h2 id="quoted">Numbers quoted in the papers, with ours</h2><p>"calibrated to": a reconstructed '
            "parameter was fitted to the number, so it holds by construction; \"predicted\": the model's own "
            'prediction.</p><div class="scroll"><table><tr><th>figure</th><th>quantity</th><th>at</th>'
            "<th>paper</th><th>ours (analytic)</th><th>Monte Carlo</th><th>role</th><th>verdict</th></tr>"
            + "".join(rows) + "</table></div>")


def _inventory_section(inventories) -> str:
    """Per paper, every figure and table with its verdict (from the figure file's ``inventory``)."""
    out = []
    for paper, (title, items) in inventories.items():
        out.append(f'<h2 id="inventory-{_e(paper)}">What {_e(paper)} allows: every figure and table'
                   f'<a class="top" href="#top">back to top</a></h2><p>{_e(title)}</p><div class="scroll"><table>'
                   "<tr><th>item</th><th>verdict</th><th>figure here</th><th>reason</th></tr>")
        for i in items:
            link = f'<a href="#{_e(paper)}/{_e(i["figure"])}">{_e(i["figure"])}</a>' if i.get("figure") else "-"
            out.append(f"<tr><td>{_e(i['item'])}</td><td>{_e(i['verdict'])}</td><td>{link}</td>"
                       f"<td>{_e(i['reason'])}</td></tr>")
        out.append("</table></div>")
    return "".join(out)


def _citation(ds) -> str:
    title, authors = ds.attrs.get("paper_title", ""), ds.attrs.get("paper_reference", "")
    return f"<i>{_e(title)}</i>" + (f", {_e(authors)}" if authors else "")


def _contents(papers, *, quoted: bool, errata: bool) -> str:
    """Table of contents: per paper its citation and every figure with its verdict."""
    out = ["<nav><h2>Contents</h2><ul>"]
    for paper, figures in papers.items():
        n_ok = sum(check["passed"] for _, check, _ in figures)
        out.append(f'<li><a href="#paper-{_e(paper)}">{_e(paper)}</a>: {_citation(figures[0][0])} '
                   f'<span class="small">({n_ok} of {len(figures)} figures pass)</span><ul>')
        for ds, check, _ in figures:
            out.append(f'<li><a href="#{_e(check["figure"])}">{_e(check["figure"])}</a> {_e(ds.attrs["title"])} '
                       f"{_verdict(check['passed'])}</li>")
        out.append("</ul></li>")
    if quoted:
        out.append('<li><a href="#quoted">Numbers quoted in the papers, with ours</a></li>')
    if errata:
        out.append('<li><a href="#errata">Errata: corrections and reconstructed parameters</a></li>')
    out.append("</ul></nav>")
    return "".join(out)


def write_report(entries, path: str | Path, *, errata: str | Path | None = None) -> Path:
    """Write ``index.html`` from ``(dataset path, check.json path, png path)`` triples.

    Figures are grouped by paper under the paper's title and authors; ``errata``
    (``docs/errata.md``) is included as text when given.
    """
    from .io import open_dataset
    from .models import get_model

    papers: dict[str, list] = {}
    inventories = {}
    for ds_path, check_path, png_path in entries:
        ds = open_dataset(ds_path)
        inventory = json.loads(ds.attrs.get("paper_inventory") or "[]")
        if inventory:
            inventories.setdefault(ds.attrs["paper"], (ds.attrs.get("paper_title", ""), inventory))
        check = json.loads(Path(check_path).read_text())
        papers.setdefault(ds.attrs["paper"], []).append((ds, check, Path(png_path)))
    figures = [f for group in papers.values() for f in group]
    n_pass = sum(check["passed"] for _, check, _ in figures)
    sections = []
    for paper, group in papers.items():
        sections.append(f'<h2 class="paper" id="paper-{_e(paper)}">{_citation(group[0][0])} '
                        f'<span class="small">({_e(paper)})</span><a class="top" href="#top">back to top</a></h2>')
        sections += [_figure_section(ds, check, png, get_model(ds.attrs["model"])) for ds, check, png in group]
    errata_html = ""
    if errata is not None and Path(errata).exists():
        errata_html = ('<h2 id="errata">Errata: corrections and reconstructed parameters'
                       '<a class="top" href="#top">back to top</a></h2><details><summary>docs/errata.md '
                       f"(click to show)</summary><pre>{_e(Path(errata).read_text())}</pre></details>")
    quoted = _quoted_section(figures)
    errata_link = ' (<a href="#errata">errata</a>)' if errata_html else " (docs/errata.md)"
    body = (
        f'<header id="top"><h1>isac-sweep report</h1><p>{n_pass} of {len(figures)} figures pass every check. '
        "Analytic curves are lines, Monte Carlo estimates are markers with 95 % intervals. Parameters in "
        '<span class="recon">orange</span> are not stated in the paper and were reconstructed'
        f"{errata_link}.</p></header>"
        + _contents(papers, quoted=bool(quoted), errata=bool(errata_html)) + quoted
        + _inventory_section(inventories) + "\n".join(sections) + errata_html
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
                    "<meta name='viewport' content='width=device-width, initial-scale=1'>"
                    f"<title>isac-sweep report</title><style>{_CSS}</style></head><body>{body}</body></html>")
    return path
