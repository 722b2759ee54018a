"""`make demo`'s job: a demo project with the sample shop in dev, both environments up."""

from __future__ import annotations

from pathlib import Path

from pgprod import commands, demo, schemadiff
from tests.conftest import _stop


def test_demo_loads_dev_and_publishes_its_schema_to_prod(workdir: Path) -> None:
    made = demo.create(workdir / "demo")
    try:
        assert made.created and made.loaded
        assert all(s.running for s in commands.status(made.project))
        (dev_counts,) = commands.sql(made.project, "dev", "SELECT (SELECT count(*) FROM customers),"
                                     " (SELECT count(*) FROM orders), count(*) FROM order_totals")
        assert dev_counts.rows == ((200, 1000, 1000),)
        # the schema went to prod by a publish; the data stays in dev
        assert made.published is not None and made.published.status == "done"
        (prod_counts,) = commands.sql(made.project, "prod",
                                      "SELECT count(*) FROM customers")
        assert prod_counts.rows == ((0,),)
        assert not schemadiff.diff_project(commands.environment(made.project, "prod"),
                                           commands.environment(made.project, "dev"))

        again = demo.create(workdir / "demo")
        assert not again.created and not again.loaded, "running the demo twice changes nothing"
    finally:
        _stop(made.project)
