"""Per-request database lists for the rules that resolve ids (QOS_ID,
QOS_STRING_ID_LIST, TRES_STR, JOB_ASSOC_ID): what Slurm passes in its
parser arguments (``args->qos_list``, ``args->tres_list``). A content plugin
fetches them once per request and installs them around dump and parse::

    with lookups(Lookups(qos={1: "normal"}, tres=[...])):
        dump(...)
"""
from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass, field
from typing import Iterator, Optional


# --- per-request database lists ---------------------------------------------------------

@dataclass
class Lookups:
    """The QOS and TRES of the database, for the parsers that resolve ids."""

    qos: dict[int, str] = field(default_factory=dict)  # id -> name
    tres: list[dict] = field(default_factory=list)  # {"id", "type", "name"}
    # associations ({"id", "cluster", "acct", "user", "partition"}: what
    # Connection.associations_get({"flags": ["with_deleted"]}) returns), for the
    # association of job records (JOB_ASSOC_ID)
    assocs: list[dict] = field(default_factory=list)
    _assoc_index: Optional[dict] = field(default=None, init=False, repr=False,
                                         compare=False)

    def assoc(self, cluster: Optional[str], assoc_id: int) -> Optional[dict]:
        """compare_assoc() by id: the association with that id on that cluster
        (case-insensitive; a record without cluster matches one without)."""
        if self._assoc_index is None:
            self._assoc_index = {((a.get("cluster") or "").lower(), a.get("id")): a
                                 for a in self.assocs}
        return self._assoc_index.get(((cluster or "").lower(), assoc_id))

    def qos_id(self, name: str) -> Optional[int]:
        for qos_id, qos_name in self.qos.items():
            if qos_name == name:
                return qos_id
        return None

    def tres_by_id(self, tres_id: int) -> Optional[dict]:
        return next((t for t in self.tres if t["id"] == tres_id), None)

    def tres_id(self, tres_type: str, name: Optional[str]) -> Optional[int]:
        for t in self.tres:
            if t["type"] == tres_type and (t.get("name") or "") == (name or ""):
                return t["id"]
        return None


_LOOKUPS: contextvars.ContextVar = contextvars.ContextVar("slurmdb_lookups", default=None)


@contextlib.contextmanager
def lookups(value: Lookups) -> Iterator[None]:
    """Within the block, dump and parse resolve QOS and TRES with ``value``."""
    token = _LOOKUPS.set(value)
    try:
        yield
    finally:
        _LOOKUPS.reset(token)


def current() -> Lookups:
    value = _LOOKUPS.get()
    return value if value is not None else Lookups()
