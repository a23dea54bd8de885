"""Models found through entry points: a broken, mistyped, misnamed or duplicate plug-in is one clear message."""

from __future__ import annotations

from importlib import metadata

import pytest

from isac_core import models
from isac_core.cli import main
from isac_core.models import GROUP, PluginError


def _register(monkeypatch, name, value):
    ep = metadata.EntryPoint(name, value, GROUP)
    monkeypatch.setitem(models._MODELS, name, ep)
    monkeypatch.setitem(models.MODEL_MODULES, name, value)


def test_the_papers_register_through_the_entry_point_group():
    names = {ep.name: ep.value for ep in metadata.entry_points(group=GROUP)}
    for key in ("li_tradeoff", "sun_blockage", "meng_coop", "han_survey", "sui_coop6g"):
        assert names[key] == f"isac_core.models.{key}:MODEL"
        assert models.get_model(key).key == key


@pytest.mark.parametrize(("value", "message"), [
    ("no_such_package.model:MODEL", "cannot be loaded: ModuleNotFoundError"),
    ("isac_core.units:to_canonical", "is a function, not an isac_core.model.Model"),
    ("isac_core.models.li_tradeoff:MODEL", "defines the model 'li_tradeoff'; the entry point must have the same name"),
])
def test_a_bad_plug_in_is_named(monkeypatch, value, message):
    _register(monkeypatch, "broken", value)
    with pytest.raises(PluginError, match=message) as info:
        models.get_model("broken")
    assert "model plug-in 'broken'" in str(info.value) and value in str(info.value)


def test_a_name_registered_twice_is_refused(monkeypatch):
    class Dist:
        def __init__(self, name):
            self.name = name

    def entry_points(group):
        a = metadata.EntryPoint("twin", "pkg_a.model:MODEL", group)
        b = metadata.EntryPoint("twin", "pkg_b.model:MODEL", group)
        return [a._for(Dist("isac-a")), b._for(Dist("isac-b"))]

    monkeypatch.setattr(models.metadata, "entry_points", entry_points)
    found, problems = models._scan(GROUP)
    assert list(found) == ["twin"]
    assert problems == {"twin": "'twin' is registered twice in isac_sweep.models: by isac-a (pkg_a.model:MODEL) and "
                                "by isac-b (pkg_b.model:MODEL); uninstall one"}
    # only the duplicated name is refused; the other models stay usable
    monkeypatch.setitem(models._MODEL_PROBLEMS, "twin", problems["twin"])
    with pytest.raises(PluginError, match="registered twice"):
        models.get_model("twin")
    assert models.get_model("li_tradeoff").key == "li_tradeoff"


def test_a_figure_file_using_a_broken_plug_in_fails_validation_in_one_line(test_config, monkeypatch):
    _register(monkeypatch, "broken", "no_such_package.model:MODEL")
    path = test_config / "config/figures/li_tradeoff.yaml"
    path.write_text(path.read_text().replace("model: li_tradeoff", "model: broken"))
    monkeypatch.chdir(test_config)
    with pytest.raises(SystemExit) as info:
        main(["validate"])
    message = str(info.value.code)
    assert "key 'model': model plug-in 'broken' (no_such_package.model:MODEL" in message
    assert "Traceback" not in message


def test_figures_from_several_folders_and_from_a_package(test_config, monkeypatch, tmp_path, capsys):
    # a second folder holds a paper of its own
    extra = test_config / "my_figures"
    extra.mkdir()
    (extra / "mine.yaml").write_text((test_config / "config/figures/li_tradeoff.yaml").read_text()
                                     .replace("paper: li_tradeoff", "paper: mine"))
    config = test_config / "config/config.yaml"
    text = config.read_text().replace("figures_dir: config/figures", "figures_dir: [config/figures, my_figures]")
    config.write_text(text.replace("  li_tradeoff: [fig3, fig5]", "  li_tradeoff: [fig3, fig5]\n  mine: [fig3]"))
    monkeypatch.chdir(test_config)
    main(["validate"])
    assert "configuration valid: 3 figure(s)" in capsys.readouterr().out
    # a paper in no folder comes from a package that registers its figure file
    shipped = tmp_path / "shipped.yaml"
    shipped.write_text((extra / "mine.yaml").read_text().replace("paper: mine", "paper: shipped"))
    monkeypatch.setitem(models._FIGURES, "shipped", metadata.EntryPoint("shipped", "x:y", models.FIGURES_GROUP))
    monkeypatch.setattr(models, "figure_file", lambda paper: shipped if paper == "shipped" else None)
    monkeypatch.setattr("isac_core.config.figure_file", models.figure_file)
    config.write_text(config.read_text().replace("  mine: [fig3]", "  mine: [fig3]\n  shipped: all"))
    main(["validate"])
    assert "configuration valid: 5 figure(s)" in capsys.readouterr().out


#: A figure file "shipped" by this module, for the entry-point test below.
SHIPPED = __file__


def test_a_figure_plug_in_names_an_existing_file(monkeypatch):
    group = models.FIGURES_GROUP
    monkeypatch.setitem(models._FIGURES, "here", metadata.EntryPoint("here", "tests.unit.test_plugins:SHIPPED", group))
    assert str(models.figure_file("here")) == SHIPPED
    monkeypatch.setitem(models._FIGURES, "gone", metadata.EntryPoint("gone", "tests.unit.test_plugins:NOPE", group))
    with pytest.raises(PluginError, match="figure plug-in 'gone' .* cannot be loaded: AttributeError"):
        models.figure_file("gone")
    assert models.figure_file("nobody") is None
