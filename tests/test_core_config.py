"""config.toml validation: every error names the key and the fix; the template itself is valid."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pvwatch.app.main import app
from pvwatch.config import load_config, parse_config
from pvwatch.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


def test_template_is_valid_and_every_key_is_commented() -> None:
    cfg = load_config(REPO / "config.toml")
    assert [p.name for p in cfg.products][:2] == ["Levothyrox", "Dépakine"]
    assert cfg.storage.backend == "sqlite"
    lines = (REPO / "config.toml").read_text(encoding="utf-8").splitlines()
    comments = " ".join(line for line in lines if line.strip().startswith("#"))
    for n, line in enumerate(lines, 1):
        stripped = line.strip()
        if "=" in stripped and not stripped.startswith("#"):
            key = stripped.split("=")[0].strip()
            documented = "#" in stripped or f" {key} " in comments or f"#   {key}" in comments
            assert documented, f"config.toml line {n}: key {key!r} is not explained by any comment"


@pytest.mark.parametrize(
    ("data", "key", "words"),
    [
        ({"storage": {"backend": "mongodb"}}, "storage.backend", "allowed"),
        ({"storage": {"pathh": "x.db"}}, "storage.pathh", "spelling"),
        ({"classifiers": {"ae_threshold": 1.5}}, "classifiers.ae_threshold", "less than or equal"),
        ({"products": [{"inns": ["x"]}]}, "products.0.name", "add it"),
        ({"sources": {"s1": {"type": "myspace"}}}, "sources.s1.type", "myspace"),
        ({"ui": {"port": 0}}, "ui.port", "greater than"),
    ],
)
def test_invalid_config_names_key_and_fix(data: dict, key: str, words: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(data)
    assert err.value.key == key
    assert words in str(err.value)
    assert "Fix:" in str(err.value)


def test_bad_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="pvwatch init"):
        load_config(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[storage\nbackend = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)


def test_relative_paths_resolve_against_config_dir(tmp_path: Path) -> None:
    p = tmp_path / "sub" / "config.toml"
    p.parent.mkdir()
    p.write_text('[storage]\npath = "x/y.db"\n', encoding="utf-8")
    cfg = load_config(p)
    assert cfg.resolve(cfg.storage.path) == (tmp_path / "sub" / "x" / "y.db").resolve()


def test_cli_invalid_config_exits_2_and_starts_nothing(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('[storage]\nbackend = "sqlite"\npath = "store.db"\nbogus = 1\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["run", "--once", "-c", str(cfg)])
    assert result.exit_code == 2
    assert "storage.bogus" in result.output
    assert not (tmp_path / "store.db").exists(), "nothing may be half-started on a bad config"


def test_source_options_are_validated_before_start(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        '[storage]\npath = "store.db"\n[sources.imp]\ntype = "replay"\npath = "in.jsonl"\nbatchsize = 3\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["run", "--once", "-c", str(cfg)])
    assert result.exit_code == 2
    assert "sources.imp.batchsize" in result.output
    assert not (tmp_path / "store.db").exists()


def test_init_writes_the_template(tmp_path: Path) -> None:
    out = tmp_path / "config.toml"
    runner = CliRunner()
    assert runner.invoke(app, ["init", str(out)]).exit_code == 0
    assert load_config(out).products
    again = runner.invoke(app, ["init", str(out)])
    assert again.exit_code == 1 and "--force" in again.output


def _template_keys() -> list[tuple[str, str]]:
    """(section without brackets, `sources.NAME` for any source; key) for every active key of config.toml."""
    import tomllib

    out: list[tuple[str, str]] = []

    def walk(table: dict, path: str) -> None:  # type: ignore[type-arg]
        for key, value in table.items():
            if isinstance(value, dict):
                walk(value, "sources.NAME" if path == "sources" else f"{path}.{key}".lstrip("."))
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for row in value:
                    out.extend((key, k) for k in row)
            else:
                out.append((path, key))

    walk(tomllib.loads((REPO / "config.toml").read_text(encoding="utf-8")), "")
    return sorted(set(out))


def test_every_template_key_is_in_configuration_docs() -> None:
    doc = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip().strip("`[]"): line for line in doc.splitlines() if line.startswith("| `[")}
    keys = _template_keys()
    assert ("storage.elasticsearch", "lease_seconds") in keys and ("products", "name") in keys
    missing = [f"[{section}] {key}" for section, key in keys
               if section not in rows or f"`{key}`" not in rows[section]]
    assert not missing, f"docs/configuration.md does not document: {', '.join(missing)}"
