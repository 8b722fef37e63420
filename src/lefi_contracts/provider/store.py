"""SQLite store of the reference provider: one row per ärende/payment/uppgift with a JSON payload.

Queries filter by personnummer, kind, group and period in SQL (indexed). The file is built once from the
synthetic data set and reused while the seed, dataset version, code lists and recipes are unchanged (fast restart).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lefi_contracts.errors import UsageError
from lefi_contracts.provider.dataset import DATASET_VERSION, Dataset, build_dataset, source_fingerprint

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE item (
  id INTEGER PRIMARY KEY,
  pnr TEXT NOT NULL, kind TEXT NOT NULL, grupp TEXT NOT NULL, key TEXT NOT NULL,
  fran TEXT NOT NULL, till TEXT NOT NULL, tag TEXT NOT NULL DEFAULT '', payload TEXT NOT NULL
);
CREATE INDEX item_query ON item (pnr, kind, grupp, fran, till);
CREATE TABLE actor (aktors_id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
  representable INTEGER NOT NULL, groups TEXT NOT NULL, ovrig TEXT NOT NULL);
CREATE TABLE user (anvandare TEXT PRIMARY KEY, aktors_id TEXT NOT NULL, granted TEXT NOT NULL);
CREATE TABLE persona (name TEXT PRIMARY KEY, payload TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Row:
    kind: str
    grupp: str
    key: str
    tag: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class ActorRow:
    aktors_id: str
    name: str
    kind: str
    representable: bool
    groups: frozenset[str]
    ovrig: frozenset[str]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class Store:
    """Read-mostly; one connection per thread (sqlite3 connections are not shared across threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._actors: dict[str, ActorRow] | None = None
        self._users: dict[str, tuple[str, str]] | None = None

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # Read-only and immutable: the file is never written once built (a rebuild writes a new file and
            # renames it over this one; an open connection keeps reading the old one), so SQLite may skip the
            # file locking and change checks it otherwise does on every statement (about half a query's cost).
            uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            conn.execute("PRAGMA query_only = ON")
            self._local.conn = conn
        return conn

    def meta(self) -> dict[str, str]:
        return dict(self._conn().execute("SELECT key, value FROM meta").fetchall())

    def items(
        self, pnr: str, kind: str, groups: list[str], fran: str, tom: str, tag: str | None = None
    ) -> list[Row]:
        """Rows of one person and kind in the requested groups whose period overlaps [fran, tom]."""
        if not groups:
            return []
        marks = ",".join("?" * len(groups))
        sql = (
            f"SELECT id, kind, grupp, key, tag, payload FROM item WHERE pnr = ? AND kind = ? AND grupp IN ({marks}) "
            "AND fran <= ? AND till >= ?"
        )
        args: list[Any] = [pnr, kind, *groups, tom, fran]
        if tag is not None:
            sql += " AND tag = ?"
            args.append(tag)
        # in id order, sorted here: ORDER BY id would have SQLite build a temporary B-tree for a handful of rows
        # (half the query's cost); ids are unique, so the order is the same
        found = sorted(self._conn().execute(sql, args))
        return [Row(k, g, key, t, json.loads(p)) for _, k, g, key, t, p in found]

    def actor(self, aktors_id: str) -> ActorRow | None:
        return self._actor_table().get(aktors_id)

    def _actor_table(self) -> dict[str, ActorRow]:
        """Actors and users are a few rows of a read-only database: read once, not on every request."""
        table = self._actors
        if table is None:
            rows = self._conn().execute(
                "SELECT aktors_id, name, kind, representable, groups, ovrig FROM actor"
            )
            table = {
                r[0]: ActorRow(
                    r[0], r[1], r[2], bool(r[3]), frozenset(json.loads(r[4])), frozenset(json.loads(r[5]))
                )
                for r in rows
            }
            self._actors = table
        return table

    def user(self, anvandare: str) -> tuple[str, str] | None:
        table = self._users
        if table is None:
            rows = self._conn().execute("SELECT anvandare, aktors_id, granted FROM user")
            table = self._users = {r[0]: (r[1], r[2]) for r in rows}
        return table.get(anvandare)

    def personas(self) -> dict[str, dict[str, Any]]:
        return {
            name: json.loads(p)
            for name, p in self._conn().execute("SELECT name, payload FROM persona ORDER BY name")
        }

    def canonical_digest(self) -> str:
        """A digest of every stored row in a fixed order: equal digests = byte-identical canonical data."""
        import hashlib

        h = hashlib.sha256()
        conn = self._conn()
        for table, order in (
            ("item", "id"),
            ("actor", "aktors_id"),
            ("user", "anvandare"),
            ("persona", "name"),
        ):
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY {order}"):
                h.update(repr(row).encode())
        return h.hexdigest()

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def _identity(seed: int, persons: int) -> dict[str, str]:
    return {
        "seed": str(seed),
        "dataset_version": DATASET_VERSION,
        "sources": source_fingerprint(),
        "persons": str(persons),
    }


def _existing_identity(path: Path) -> dict[str, str] | None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return dict(conn.execute("SELECT key, value FROM meta").fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def open_store(path: Path, seed: int, persons: int = 240) -> tuple[Store, bool]:
    """Open the database at `path`, building it first when absent or of another seed/dataset; (store, built)."""
    path = Path(path)
    if path.exists() and path.is_dir():
        raise UsageError(f"--db {path} is a directory; give a file path")
    if not path.parent.exists():
        raise UsageError(f"the directory of --db {path} does not exist")
    wanted = _identity(seed, persons)
    existing = _existing_identity(path) if path.exists() else None
    built = False
    if existing is None or any(existing.get(k) != v for k, v in wanted.items()):
        write_database(path, build_dataset(seed, persons), wanted)
        built = True
    return Store(path), built


def write_database(path: Path, ds: Dataset, identity: dict[str, str]) -> None:
    tmp = path.with_name(path.name + ".building")
    for leftover in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        leftover.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(tmp)
    except sqlite3.Error as exc:
        raise UsageError(f"cannot create the database {path}: {exc}") from None
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.executescript(SCHEMA)
        with conn:
            conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(identity.items()))
            conn.executemany(
                "INSERT INTO item (pnr, kind, grupp, key, fran, till, tag, payload) VALUES (?,?,?,?,?,?,?,?)",
                [(i.pnr, i.kind, i.grupp, i.key, i.fran, i.till, i.tag, _dumps(i.payload)) for i in ds.items],
            )
            conn.executemany(
                "INSERT INTO actor VALUES (?,?,?,?,?,?)",
                [
                    (a.aktors_id, a.name, a.kind, int(a.representable), _dumps(a.groups), _dumps(a.ovrig))
                    for a in ds.actors
                ],
            )
            conn.executemany(
                "INSERT INTO user VALUES (?,?,?)", [(u.anvandare, u.aktors_id, u.granted) for u in ds.users]
            )
            conn.executemany(
                "INSERT INTO persona VALUES (?, ?)", [(k, _dumps(v)) for k, v in ds.personas.items()]
            )
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    tmp.replace(path)
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
