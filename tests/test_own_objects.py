"""pgprod's own objects stay out of the app's schemas (`pgprod.own`): ORMs that
introspect `public` (drizzle-kit push, Prisma's db pull, Django's inspectdb) see only
the app's objects, and a project made by an older pgprod is moved on `up`."""

from __future__ import annotations

from pgprod import commands
from pgprod.project import Project
from tests.conftest import ProjectFactory

# Everything a schema holds that an ORM's introspection could take for the app's.
IN_PUBLIC = """
    SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace)
         + (SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace)
         + (SELECT count(*) FROM pg_type WHERE typnamespace = 'public'::regnamespace)"""
PLACED = """
    SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_stat_statements'"""


def _placed(project: Project, env: str) -> str:
    environment = commands.environment(project, env)
    with environment.connect_admin(environment.database) as conn:
        (schema,) = conn.execute(PLACED).fetchone()  # type: ignore[misc]
        return str(schema)


def test_public_is_empty_and_statements_are_readable_in_pgprod(
        new_project: ProjectFactory) -> None:
    project = new_project()
    for env in ("dev", "prod"):
        environment = commands.environment(project, env)
        with environment.connect_admin(environment.database) as conn:
            assert conn.execute(IN_PUBLIC).fetchone() == (0,), env
        assert _placed(project, env) == "pgprod"
    # the plan reads prod's statements as readonly; the agent may look at dev's
    for env, role in (("prod", "readonly"), ("dev", "agent")):
        with commands.environment(project, env).connect(role) as conn:
            assert conn.execute(
                "SELECT count(*) >= 0 FROM pgprod.pg_stat_statements").fetchone() == (True,)
            assert conn.execute("SHOW search_path").fetchone() == ('"$user", public',)
    # the app's roles get nothing in pgprod's schema beyond reading it
    with commands.environment(project, "dev").connect("agent") as conn:
        assert conn.execute(
            "SELECT has_schema_privilege('pgprod', 'CREATE')").fetchone() == (False,)

    # a project of an older pgprod kept pg_stat_statements in public: `up` moves it
    dev = commands.environment(project, "dev")
    with dev.connect_admin(dev.database) as conn:
        conn.execute("ALTER EXTENSION pg_stat_statements SET SCHEMA public")
    assert _placed(project, "dev") == "public"
    commands.up(project, ["dev"])
    assert _placed(project, "dev") == "pgprod"
    assert not commands.diff(project).changes()


def test_pgprods_own_tables_are_not_the_apps(new_project: ProjectFactory) -> None:
    """The publish lock's table lives in the app database when an external prod's
    admin URL names it: the schema engine leaves schema pgprod's tables out."""
    from pgprod import own

    project = new_project()
    prod = commands.environment(project, "prod")
    with prod.connect_admin(prod.database) as conn:
        own.provision_lock(conn)
        conn.execute("CREATE INDEX ON pgprod.publish_lock (held)")
    assert not commands.diff(project).changes()
