"""`make demo`'s job: a demo project with the sample shop in dev, both environments up."""

from __future__ import annotations

from pathlib import Path

from pgprod import commands, demo, schemadiff
from pgprod.plan import refusal
from tests.conftest import _stop


def test_demo_loads_dev_and_publishes_its_schema_to_prod(workdir: Path) -> None:
    made = demo.create(workdir / "demo")
    try:
        assert made.created and made.loaded
        assert all(s.running for s in commands.status(made.project))
        (dev_counts,) = commands.sql(made.project, "dev", "SELECT (SELECT count(*) FROM customers),"
                                     " (SELECT count(*) FROM orders), count(*) FROM order_totals")
        assert dev_counts.rows == ((200, 1000, 1000),)
        # the schema went to prod by a publish, then the app wrote its own rows there
        assert made.published is not None and made.published.status == "done"
        (prod_counts,) = commands.sql(made.project, "prod",
                                      "SELECT (SELECT count(*) FROM customers), count(*) "
                                      "FROM order_totals")
        assert prod_counts.rows == ((212, 1000),)
        assert not schemadiff.diff_project(commands.environment(made.project, "prod"),
                                           commands.environment(made.project, "dev"))

        # the change the demo suggests works in dev and is stopped by prod's own rows
        commands.sql(made.project, "dev", "ALTER TABLE customers ADD UNIQUE (name)", "agent")
        refused = refusal(commands.plan(made.project))
        assert refused is not None and "12 duplicated values over 24 rows" in str(refused)
        commands.sql(made.project, "dev", "ALTER TABLE customers DROP CONSTRAINT "
                     "customers_name_key", "agent")

        again = demo.create(workdir / "demo")
        assert not again.created and not again.loaded, "running the demo twice changes nothing"
    finally:
        _stop(made.project)
