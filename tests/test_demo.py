"""`make demo`'s job: a demo project with the sample shop in dev, both environments up."""

from __future__ import annotations

from pathlib import Path

from pgprod import commands, demo
from tests.conftest import _stop


def test_demo_creates_sample_in_dev_only(workdir: Path) -> None:
    made = demo.create(workdir / "demo")
    try:
        assert made.created and made.loaded
        assert all(s.running for s in commands.status(made.project))
        (dev_counts,) = commands.sql(made.project, "dev", "SELECT (SELECT count(*) FROM customers),"
                                     " (SELECT count(*) FROM orders), count(*) FROM order_totals")
        assert dev_counts.rows == ((200, 1000, 1000),)
        (prod_tables,) = commands.sql(made.project, "prod",
                                      "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert prod_tables.rows == ((0,),)

        again = demo.create(workdir / "demo")
        assert not again.created and not again.loaded, "running the demo twice changes nothing"
    finally:
        _stop(made.project)
