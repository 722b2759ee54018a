"""pgprod.toml: parsing, validation, overrides, and the file `init` writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgprod import config
from pgprod.errors import ConfigError, UsageError
from pgprod.project import init


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pgprod.toml"
    path.write_text(text)
    return path


def test_rendered_file_loads_back_with_every_setting(tmp_path: Path) -> None:
    text = config.render({"project": {"name": "shop"}, "dev": {"port": 5001},
                          "prod": {"port": 5002}})
    for setting in config.SETTINGS:
        assert f"# {setting.help}" in text
    loaded = config.load(write(tmp_path, text), environ={})
    assert loaded.name == "shop" and loaded.database == "app"
    assert loaded.envs["dev"].port == 5001 and loaded.envs["prod"].port == 5002
    assert loaded.envs["prod"].tls == "auto" and loaded.envs["dev"].tls == "off"
    assert loaded.envs["prod"].agent_statement_timeout == "30s"
    assert loaded.envs["dev"].embedded


def test_environment_variables_override(tmp_path: Path) -> None:
    path = write(tmp_path, "[dev]\nport = 5001\n[prod]\nport = 5002\n")
    loaded = config.load(path, environ={"PGPROD_PROD_PORT": "6000",
                                        "PGPROD_SERVER_BINARIES": "/opt/pg/bin"})
    assert loaded.envs["prod"].port == 6000 and loaded.binaries == "/opt/pg/bin"


@pytest.mark.parametrize(("text", "message"), [
    ("[dev\n", "not valid TOML"),
    ("[stage]\n", "unknown section [stage]"),
    ("[dev]\nprot = 1\n", "unknown setting 'prot' in [dev]"),
    ("[dev]\nport = 'x'\n[prod]\nport = 2\n", "[dev] port must be a whole number, got 'x'"),
    ("[dev]\nport = 70000\n[prod]\nport = 2\n", "[dev] port must be between 1 and 65535"),
    ("[dev]\nport = 1\n[prod]\nport = 2\ntls = 'maybe'\n", "tls must be one of auto, on, off"),
    ("[project]\ndatabase = 'my app'\n", "database name 'my app' must be a plain identifier"),
    ("[publish]\nlock_timeout = 'soon'\n", "[publish] lock_timeout: not a PostgreSQL time"),
    ("[publish]\nlock_timeout = '5s'\n", "lock_timeout_max is shorter than lock_timeout"),
])
def test_invalid_files_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as failure:
        config.load(write(tmp_path, text), environ={})
    assert message in str(failure.value)
    assert "\n" not in str(failure.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found: run `pgprod init`"):
        config.load(tmp_path / "pgprod.toml", environ={})


def test_external_url_needs_no_port(tmp_path: Path) -> None:
    path = write(tmp_path, "[dev]\nport = 1\n[prod]\nurl = 'postgresql://a@db.example/app'\n")
    loaded = config.load(path, environ={})
    assert not loaded.envs["prod"].embedded


@pytest.mark.parametrize(("environ", "message"), [
    ({"PGPROD_DEV_PORT": "99999"},
     "environment variable PGPROD_DEV_PORT='99999': port must be between 1 and 65535: "
     "fix or unset PGPROD_DEV_PORT (it overrides [dev] port in pgprod.toml)"),
    ({"PGPROD_DEV_PORT": "x"}, "environment variable PGPROD_DEV_PORT='x': port must be a "
                               "whole number: fix or unset PGPROD_DEV_PORT"),
    ({"PGPROD_PROD_TLS": "maybe"},
     "environment variable PGPROD_PROD_TLS='maybe': tls must be one of auto, on, off"),
    ({"PGPROD_PUBLISH_LOCK_TIMEOUT": "soon"},
     "environment variable PGPROD_PUBLISH_LOCK_TIMEOUT='soon': lock_timeout: not a "
     "PostgreSQL time"),
])
def test_bad_overrides_name_the_variable_not_the_file(
        tmp_path: Path, environ: dict[str, str], message: str) -> None:
    path = write(tmp_path, "[dev]\nport = 5001\n[prod]\nport = 5002\n")
    with pytest.raises(ConfigError) as failure:
        config.load(path, environ=environ)
    assert str(failure.value).startswith(message)
    assert str(path) not in str(failure.value) and failure.value.path is None


def test_bad_file_values_are_told_in_plain_words(tmp_path: Path) -> None:
    """`[dev] port must be a int` was the message once."""
    for value, kind in (("'5001'", "a whole number"), ("true", "a whole number")):
        path = write(tmp_path, f"[dev]\nport = {value}\n[prod]\nport = 2\n")
        with pytest.raises(ConfigError) as failure:
            config.load(path, environ={})
        assert f"[dev] port must be {kind}, got " in str(failure.value)
    path = write(tmp_path, "[server]\nos_user = 7\n")
    with pytest.raises(ConfigError, match=r"\[server\] os_user must be text, got 7"):
        config.load(path, environ={})


def test_init_inside_a_state_folder_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "app"
    (project / ".pgprod" / "tls").mkdir(parents=True)
    (project / "pgprod.toml").write_text("")
    for inside in (project / ".pgprod", project / ".pgprod" / "tls" / "new"):
        with pytest.raises(UsageError) as failure:
            init(inside)
        assert str(failure.value) == (
            f"{inside} is inside the state folder {project / '.pgprod'}: run `pgprod init` "
            f"in {project} or a directory outside .pgprod/")
        assert failure.value.exit_code == 2
    assert not (project / ".pgprod" / "tls" / "new").exists()
    assert not (project / ".pgprod" / "pgprod.toml").exists()
