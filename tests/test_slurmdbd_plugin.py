"""openapi/slurmdbd without accounting: init refuses (PluginUnavailable); restd
then fails to start when the plugin was asked for, and leaves it out when the
content plugins are loaded by default, the slurmctld endpoints still served."""
from __future__ import annotations

import pytest

from restd.config import build_config
from restd.plugin_api import PluginUnavailable
from restd.plugin_loader import PluginError, load_plugins
from restd.plugins.content import _backend, slurmdbd


@pytest.fixture
def no_accounting(monkeypatch):
    from restd.native import accounting
    monkeypatch.setattr(_backend, "load", lambda: None)
    monkeypatch.setattr(accounting, "with_slurmdbd", lambda: False)
    monkeypatch.setattr(accounting, "accounting_storage_type",
                        lambda: "accounting_storage/none")


def test_identity():
    assert slurmdbd.NAME == "slurmdbd"
    assert slurmdbd.PLUGIN_TYPE == "openapi/slurmdbd"
    assert slurmdbd.PLUGIN_NAME == "Slurm OpenAPI slurmdbd"


def test_init_refuses_without_slurmdbd(no_accounting):
    config = build_config(environ={})
    with pytest.raises(PluginUnavailable, match="not configured with slurmdbd.*"
                       "AccountingStorageType=accounting_storage/none"):
        slurmdbd.init(config)


def test_asked_for_by_name_restd_does_not_start(no_accounting):
    config = build_config(content="slurmctld,slurmdbd", environ={})
    with pytest.raises(PluginError, match="refuses to load: Slurm is not configured "
                                          "with slurmdbd"):
        load_plugins(config)


def test_loaded_by_default_it_is_left_out(no_accounting, caplog):
    config = build_config(environ={})
    plugins = load_plugins(config)
    names = [plugin.NAME for plugin in plugins.content]
    assert "slurmdbd" not in names
    assert "slurmctld" in names
    assert "content plugin slurmdbd not loaded" in caplog.text


def test_every_operation_is_tagged_slurmdb_and_under_slurmdb():
    for operation in slurmdbd.operations():
        assert operation.path.startswith("/slurmdb/{data_parser}/")
        assert operation.tags == ("slurmdb",)
        assert operation.operation_id.startswith("slurmdb_{dp_id}_")
