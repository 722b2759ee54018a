"""The docs cover every setting, command and role, so they cannot drift from the code."""

from __future__ import annotations

from pathlib import Path

from pgprod import cli, config, roles

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "configuration.md").read_text()
    for setting in config.SETTINGS:
        assert f"`{setting.key}`" in text, setting.key


def test_every_command_is_documented() -> None:
    text = (DOCS / "configuration.md").read_text()
    for name in cli.cli.commands:
        assert f"`pgprod {name}" in text, name


def test_every_role_is_in_the_roles_table() -> None:
    text = (DOCS / "environments.md").read_text()
    for role in roles.ROLES:
        assert f"| `{role}` |" in text, role


def test_every_finding_code_is_documented() -> None:
    """docs/publish-plan.md carries the table generated from pgprod.plan.codes."""
    from pgprod.plan import codes

    text = (DOCS / "publish-plan.md").read_text()
    assert codes.markdown() in text, "regenerate the table with pgprod.plan.codes.markdown()"


def test_the_readme_links_every_doc() -> None:
    readme = (DOCS.parent / "README.md").read_text()
    for page in sorted(DOCS.glob("*.md")):
        assert f"(docs/{page.name})" in readme, page.name
