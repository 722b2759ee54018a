"""Connection details as a URL: what libpq reads back from `ConnInfo.url` is what it
was made of, for TCP hosts, IPv6 addresses and Unix socket directories, and for a
parameter with a space."""

from __future__ import annotations

import pytest
from psycopg.conninfo import conninfo_to_dict

from pgprod.conninfo import ConnInfo, parse


@pytest.mark.parametrize("host", ["db.example", "127.0.0.1", "::1", "/tmp/exp dir"])
def test_a_url_reads_back_as_what_it_was_made_of(host: str) -> None:
    made = ConnInfo(host, 56015, "my app", "app", "p@ss:/word",
                    {"sslmode": "prefer", "options": "-c work_mem=64MB"})
    read = conninfo_to_dict(made.url())
    assert (read["host"], read["port"], read["dbname"], read["user"], read["password"],
            read["options"]) == (host, "56015", "my app", "app", "p@ss:/word",
                                 "-c work_mem=64MB")
    assert parse(made.url(), "test") == made
