"""Every finding code pgprod can raise, declared once: category, severity, what it means,
the strategy the plan uses for it, and an example change that raises it.

`docs/publish-plan.md` carries the table `markdown()` generates (a test keeps them equal):

    .venv/bin/python -c 'from pgprod.plan.codes import markdown; print(markdown(), end="")'
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import (
    BLOCKING,
    BREAKING,
    DATA_DEPENDENT,
    DATA_LOSS,
    DESTRUCTIVE,
    HYGIENE,
    INFO,
    LOCKING,
    WARNING,
)


@dataclass(frozen=True)
class Code:
    code: str
    category: str
    severity: str
    meaning: str
    strategy: str
    example: str


_CODES = (
    # -- removing things the app may use
    Code("drop-table", DATA_LOSS, DESTRUCTIVE,
         "A table is dropped with its rows; evidence: row count, last scans, the queries "
         "that use it.",
         "Dropped in the contract phase, after the new app version is live; needs "
         "`--allow-data-loss TABLE`.",
         "prod: `CREATE TABLE old_log (...)` with rows; dev: table removed"),
    Code("drop-column", DATA_LOSS, DESTRUCTIVE,
         "A column is dropped with its values; evidence: non-null values and the queries "
         "in pg_stat_statements that mention it (or that none does).",
         "Dropped in the contract phase; needs `--allow-data-loss TABLE.COLUMN`.",
         "prod: `orders.note text` with values; dev: column removed"),
    Code("drop-schema", DATA_LOSS, DESTRUCTIVE,
         "A schema is dropped.",
         "Dropped in the contract phase; needs `--allow-data-loss SCHEMA`.",
         "prod: `CREATE SCHEMA archive`; dev: schema removed"),
    Code("drop-sequence", BREAKING, WARNING,
         "A sequence is dropped: its current value is lost and `nextval` calls fail.",
         "Dropped in the contract phase.",
         "prod: `CREATE SEQUENCE invoice_no`; dev: sequence removed"),
    Code("drop-object", BREAKING, WARNING,
         "A view, materialized view, function, procedure or type the app may call is "
         "dropped; evidence: the queries that mention it.",
         "Dropped in the contract phase.",
         "prod: `CREATE VIEW active_users AS ...`; dev: view removed"),
    Code("drop-index", HYGIENE, WARNING,
         "An index is dropped; queries that used it may become slow. Evidence: how often "
         "prod scanned it.",
         "`DROP INDEX CONCURRENTLY` in the contract phase.",
         "prod: `CREATE INDEX orders_created ON orders (created)`; dev: index removed"),
    Code("drop-constraint", BREAKING, WARNING,
         "A constraint is dropped; the app may rely on it (uniqueness, ON CONFLICT, "
         "referential integrity).",
         "Dropped in the contract phase.",
         "prod: `UNIQUE (email)`; dev: constraint removed"),
    Code("drop-enum-value", BREAKING, WARNING,
         "An enum loses a label no prod row uses; app code writing it will fail.",
         "The type is replaced and its columns converted (table rewrite, maintenance).",
         "prod: `ENUM ('new', 'paid', 'void')`; dev: `'void'` removed, no row uses it"),
    Code("enum-value-in-use", DATA_DEPENDENT, BLOCKING,
         "An enum loses a label that prod rows still hold; converting them would fail.",
         "Stopped: update those rows first (or keep the label).",
         "prod: rows with status `'void'`; dev: `'void'` removed"),
    # -- changing columns
    Code("type-change-rewrite", LOCKING, WARNING,
         "A column's type changes in a way PostgreSQL does by rewriting the table under "
         "an ACCESS EXCLUSIVE lock.",
         "Expand/contract: a new column kept in sync by a trigger, backfilled in batches, "
         "its indexes and constraints (CHECK and foreign keys NOT VALID then validated, "
         "keys through concurrent indexes) rebuilt on it; the contract phase swaps it in. "
         "When it cannot (a foreign key references the column, a view or policy uses it, "
         "an identity column), one rewriting statement in a maintenance window.",
         "`amount integer` to `amount bigint`"),
    Code("type-change-in-place", LOCKING, INFO,
         "A column's type changes without a rewrite (varchar widened, numeric precision "
         "increased, binary-coercible cast); only a brief lock.",
         "One `ALTER COLUMN ... TYPE` under a lock timeout.",
         "`name varchar(50)` to `name varchar(200)`"),
    Code("type-change-unconvertible", DATA_DEPENDENT, BLOCKING,
         "Some prod values do not convert to the new type; evidence: count and sample.",
         "Stopped: fix those values first, or change the target type.",
         "`code text` holding `'abc'` to `code integer`"),
    Code("required-column-without-default", DATA_DEPENDENT, BLOCKING,
         "A NOT NULL column without a default is added to a table that has rows; every "
         "existing row violates it.",
         "Stopped: give existing rows a value with `--fill TABLE.COLUMN=VALUE`, or give "
         "the column a default in the database (Django: `db_default=`; stored without a "
         "rewrite), or add it nullable and backfill.",
         "`ALTER TABLE orders ADD COLUMN region text NOT NULL` on a table with rows"),
    Code("required-column-filled", DATA_DEPENDENT, INFO,
         "A NOT NULL column without a default is added to a table that has rows, and "
         "`--fill` gives the value existing rows get; prod checked that the column's type "
         "accepts it.",
         "Added with that value as its default: PostgreSQL stores it in the catalog for "
         "the existing rows (no rewrite, no scan), and the running app's inserts get it "
         "too; the contract phase drops the default, as dev's column has none.",
         "`--fill public.orders.region=eu` with `region text NOT NULL` added"),
    Code("not-null-violations", DATA_DEPENDENT, BLOCKING,
         "A column becomes NOT NULL but prod rows hold NULL; evidence: count and sample.",
         "Stopped: fill those rows first.",
         "`email SET NOT NULL` where some emails are NULL"),
    Code("set-not-null", LOCKING, INFO,
         "A column becomes NOT NULL; a plain SET NOT NULL scans the table under an "
         "ACCESS EXCLUSIVE lock.",
         "A NOT VALID constraint, validated without blocking writes, then SET NOT NULL "
         "which uses it and skips the scan.",
         "`email SET NOT NULL` with no NULLs in prod"),
    Code("volatile-default-rewrite", LOCKING, WARNING,
         "A column is added with a volatile default (random(), clock_timestamp(), ...); "
         "PostgreSQL rewrites the table to fill it.",
         "Added without the default, the default set for new rows, existing rows "
         "backfilled in batches, then NOT NULL through a validated constraint.",
         "`ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid()`"),
    # -- constraints
    Code("unique-duplicates", DATA_DEPENDENT, BLOCKING,
         "A new unique constraint or index, but prod holds duplicates; evidence: count "
         "and sample of duplicate groups.",
         "Stopped: remove the duplicates first.",
         "`UNIQUE (email)` where two users share an email"),
    Code("check-violations", DATA_DEPENDENT, BLOCKING,
         "A new CHECK constraint that prod rows violate; evidence: count and sample.",
         "Stopped: fix those rows first, or add the constraint NOT VALID in dev.",
         "`CHECK (amount >= 0)` where some amounts are negative"),
    Code("foreign-key-violations", DATA_DEPENDENT, BLOCKING,
         "A new foreign key that prod rows violate (no referenced row); evidence: count "
         "and sample.",
         "Stopped: fix those rows first.",
         "`orders.customer_id REFERENCES customers` with orphan orders"),
    Code("add-constraint", LOCKING, INFO,
         "A constraint is added to a table with rows: validating it scans the table.",
         "Added NOT VALID (brief lock), then VALIDATE CONSTRAINT, which lets writes "
         "continue; unique constraints and primary keys through a concurrent unique "
         "index.",
         "`CHECK (amount >= 0)` or a foreign key on an existing table"),
    Code("primary-key-change", BREAKING, WARNING,
         "A table's primary key is added, dropped or changed; replication, ON CONFLICT "
         "and ORMs identify rows by it.",
         "New key built as a concurrent unique index, then attached by the statement that "
         "drops the old key: the table is never without one.",
         "`PRIMARY KEY (id)` to `PRIMARY KEY (tenant_id, id)`"),
    # -- renames
    Code("rename-table", BREAKING, WARNING,
         "A table is renamed (confirmed); the running app still uses the old name.",
         "Expand: renamed, with a view under the old name so the old app keeps working; "
         "contract: the view is dropped.",
         "`--rename public.client=customer`"),
    Code("rename-column", BREAKING, WARNING,
         "A column is renamed (confirmed); the running app still uses the old name.",
         "Expand: the new column added, kept in sync both ways by a trigger and "
         "backfilled; its indexes and constraints rebuilt on it; contract: the old column "
         "dropped, the rebuilt ones take their names. When it cannot (a foreign key "
         "references the column, a view uses it, it changes otherwise too), renamed in "
         "place in a maintenance window, with the new app version deployed in it.",
         "`--rename public.users.mail=email`"),
    Code("likely-rename", DATA_LOSS, WARNING,
         "A table or column disappears and a similar one appears: probably a rename, "
         "planned as drop + add (the data would not move) until confirmed.",
         "Confirm with `--rename`, or allow the data loss of the drop.",
         "`users.mail` removed and `users.email` (same type) added"),
    # -- locks, security, coverage
    Code("blocking-index-build", LOCKING, WARNING,
         "An index is built on a partitioned table with rows whose partitions change in "
         "the same publish or are partitioned themselves, so it cannot be built "
         "partition by partition: writes wait for the build.",
         "Built in one statement; marked for maintenance on large tables.",
         "`CREATE INDEX ON measurements (at)` while a partition is added"),
    Code("blocking-constraint", LOCKING, WARNING,
         "A constraint is added to a table with rows by one statement that holds its "
         "lock throughout: exclusion constraints and unique keys with INCLUDE or options "
         "(reads and writes wait for the build), keys on partitioned tables, and foreign "
         "keys on partitioned tables before PostgreSQL 18 (writes wait for the check).",
         "One statement; marked for maintenance on large tables.",
         "`EXCLUDE USING gist (during WITH &&)` on a table with rows"),
    Code("index-build", LOCKING, INFO,
         "An index is built on a table with rows.",
         "`CREATE INDEX CONCURRENTLY` (writes continue; an invalid leftover is dropped "
         "and the build retried). On a partitioned table: the parent's index `ON ONLY`, "
         "each partition's built CONCURRENTLY and attached.",
         "`CREATE INDEX orders_created ON orders (created)`"),
    Code("maintenance-required", LOCKING, WARNING,
         "A step can only run with the app stopped; the reason is given.",
         "Run inside a maintenance window: app connections blocked, then reopened.",
         "an enum losing a label used by a large table's column"),
    Code("row-security-change", BREAKING, WARNING,
         "Row-level security is enabled, forced, disabled or a policy changes: the app "
         "may see or write different rows.",
         "Applied as one step; review the policy against the app's role.",
         "`ALTER TABLE orders ENABLE ROW LEVEL SECURITY`"),
    Code("grant-revoked", BREAKING, WARNING,
         "A privilege is revoked; a role that used it (the app's) will get permission "
         "errors.",
         "Revoked in the contract phase.",
         "`REVOKE DELETE ON orders FROM pgprod_write`"),
    Code("unmodelled", HYGIENE, WARNING,
         "An object pgprod does not model exists on one side; it is not compared and "
         "not published.",
         "Apply it by hand; the plan names it.",
         "a subscription, or a text search configuration"),
    Code("server-versions-differ", HYGIENE, WARNING,
         "dev and prod run different major versions of PostgreSQL: what was tried in dev "
         "may behave differently on prod.",
         "The plan is made for prod's version: no privilege it lacks (MAINTAIN before 17) "
         "is granted, no extension's version changed. Run dev on prod's version (`[server] "
         "binaries`), or rehearse the publish on a preview.",
         "dev on the embedded PostgreSQL 18, prod on a managed PostgreSQL 15"),
    Code("unsupported-on-prod", BREAKING, BLOCKING,
         "dev's schema holds something prod's older PostgreSQL cannot have.",
         "Stopped: change it in dev to what prod's version has, or move prod to a newer "
         "PostgreSQL.",
         "a virtual generated column (18), or a default calling `uuidv7()` (18), for a prod on 16"),
    Code("extension-version", HYGIENE, WARNING,
         "An extension's version differs between dev and prod, whose servers (of "
         "different major versions, or a provider's) each offer their own.",
         "Not changed by the plan; update it on prod by hand (or ask the provider) if the "
         "app needs dev's version.",
         "`pg_stat_statements` 1.10 on prod (15), 1.12 on dev (18)"),
    Code("evidence-unavailable", DATA_DEPENDENT, WARNING,
         "A check against prod's data could not run (statement timeout, permission); "
         "the change may still fail when applied.",
         "The step itself still validates on apply; re-run the plan when prod is quieter "
         "or raise `[plan] evidence_timeout`.",
         "a duplicate check on a very large table exceeding the timeout"),
    # -- migration ledgers (pgprod.plan.ledgers)
    Code("ledger-rows-only-in-prod", HYGIENE, WARNING,
         "A migration ledger (`django_migrations`, `_prisma_migrations`, ...) in prod "
         "holds records dev's lacks: a migration applied to prod only, or one removed "
         "from dev.",
         "Kept, never deleted; the records dev has and prod lacks are still brought "
         "over. Apply the migration in dev too, or delete the stale records by hand.",
         "prod: a `django_migrations` row `('shop', '0009_hotfix')` dev does not have"),
)

CODES: dict[str, Code] = {c.code: c for c in _CODES}


def markdown() -> str:
    """The documentation table of every code (kept in docs/publish-plan.md)."""
    lines = ["| code | category | severity | meaning | strategy | example |",
             "|---|---|---|---|---|---|"]
    for c in _CODES:
        lines.append(f"| `{c.code}` | {c.category} | {c.severity} | {c.meaning} | "
                     f"{c.strategy} | {c.example} |")
    return "\n".join(lines) + "\n"

