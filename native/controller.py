"""Blocking calls to slurmctld.  Results are Python-owned.

Each call here blocks (cffi releases the GIL while libslurm waits on the
network): run them in a thread pool, never on the event loop, and inside
:func:`restd.native.identity.as_user` to act as a user.

Whatever libslurm allocates is freed by libslurm's own free function: list
responses are kept in a :class:`Message` (``ffi.gc``; :meth:`Message.close` or
``with`` frees at once), everything else is freed before the call returns, on
errors too.

Records are *views*: ``job.job_id`` reads the C struct field on access (a
``char *`` becomes ``str`` or ``None``); ``job.c`` is the raw cdata for generic
access.  A view keeps its message alive; after ``close()`` it must not be used.
"""
import collections
import errno as _errno
import os
import signal as _signal
import time

from restd.native import library
from restd.native.errors import (SLURM_NO_CHANGE_IN_DATA, SlurmError, check_error,
                                 error_number, not_supported)


def _lib():
    return library.get()


def _cstr(ffi, value):
    return ffi.string(value).decode(errors="replace") if value != ffi.NULL else None


# ---------------------------------------------------------------------------
# versions, configuration
# ---------------------------------------------------------------------------

def version():
    """Slurm release compiled against, as ``(major, minor, micro)``."""
    _, lib = _lib()
    number = lib.SLURM_VERSION_NUMBER_BUILT
    return ((number >> 16) & 0xFF, (number >> 8) & 0xFF, number & 0xFF)


def version_number():
    """SLURM_VERSION_NUMBER of the headers compiled against (e.g. 0x160508)."""
    return _lib()[1].SLURM_VERSION_NUMBER_BUILT


def api_version():
    """slurm_api_version() of the loaded library, as ``(current, age, revision)``."""
    number = _lib()[1].slurm_api_version()
    return ((number >> 16) & 0xFF, (number >> 8) & 0xFF, number & 0xFF)


def cluster_name():
    """ClusterName from slurm.conf."""
    ffi, lib = _lib()
    return _cstr(ffi, lib.slurm_conf.cluster_name)


def controllers():
    """SlurmctldHost names, primary first."""
    ffi, lib = _lib()
    conf = lib.slurm_conf
    return [_cstr(ffi, conf.control_machine[i]) for i in range(conf.control_cnt)]


def private_data():
    """PrivateData (PRIVATE_DATA_* bits) as libslurm read slurm.conf when restd started."""
    return int(_lib()[1].slurm_conf.private_data)


def load_private_data(update_time=0):
    """slurmctld's PrivateData now, with the time its configuration was read:
    ``(private_data, last_update)`` from slurm_load_ctl_conf(), or ``None`` if
    that configuration did not change since ``update_time`` (a small RPC then)."""
    config = load_ctl_conf(update_time)
    if config is None:
        return None
    try:
        return int(config.c.private_data), int(config.c.last_update)
    finally:
        config.close()


# ---------------------------------------------------------------------------
# generic views over libslurm arrays
# ---------------------------------------------------------------------------

class Record:
    """A view of one C struct inside a :class:`Message`; fields read on access."""

    __slots__ = ("_owner", "c")
    DEFAULT_FIELDS = ()

    def __init__(self, owner, cdata):
        self._owner = owner  # keeps the libslurm memory alive
        self.c = cdata

    def __getattr__(self, name):
        value = getattr(self.c, name)  # AttributeError for undeclared fields
        if isinstance(value, (int, float)):
            return value
        ffi = self._owner.ffi
        if ffi.typeof(value) is self._owner.char_p:
            return ffi.string(value).decode(errors="replace") if value != ffi.NULL else None
        return value

    def to_dict(self, fields=None):
        """The given (default: the most important) fields as a dict."""
        return {name: getattr(self, name) for name in (fields or self.DEFAULT_FIELDS)}

    def __repr__(self):
        shown = ", ".join("%s=%r" % (f, getattr(self, f)) for f in self.DEFAULT_FIELDS[:3])
        return "<%s %s>" % (type(self).__name__, shown)


JOB_STATE_NAMES = {}
NODE_STATE_NAMES = {}


def _state_names():
    if not JOB_STATE_NAMES:
        _, lib = _lib()
        for name in ("PENDING", "RUNNING", "SUSPENDED", "COMPLETE", "CANCELLED", "FAILED",
                     "TIMEOUT", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE", "OOM"):
            JOB_STATE_NAMES[getattr(lib, "JOB_" + name)] = name
        for name in ("UNKNOWN", "DOWN", "IDLE", "ALLOCATED", "ERROR", "MIXED", "FUTURE"):
            NODE_STATE_NAMES[getattr(lib, "NODE_STATE_" + name)] = name


class Job(Record):
    __slots__ = ()
    DEFAULT_FIELDS = ("job_id", "name", "user_id", "group_id", "job_state", "partition",
                      "nodes", "num_cpus", "num_nodes", "submit_time", "start_time",
                      "end_time", "time_limit", "account", "array_job_id", "array_task_id")

    @property
    def state(self):
        """Base job state name, e.g. ``"PENDING"``."""
        _state_names()
        return JOB_STATE_NAMES.get(self.c.job_state & _lib()[1].JOB_STATE_BASE, "UNKNOWN")

    @property
    def state_reason(self):
        return _lib()[1].restd_job_state_reason(self.c)

    @property
    def base_state(self):
        """The JOB_* number of the base state (job_state & JOB_STATE_BASE)."""
        return self.c.job_state & _lib()[1].JOB_STATE_BASE

    @property
    def finished(self):
        """IS_JOB_FINISHED(): completed, cancelled, failed... (past SUSPENDED)."""
        return self.base_state > _lib()[1].JOB_SUSPENDED


class Node(Record):
    __slots__ = ()
    DEFAULT_FIELDS = ("name", "node_state", "cpus", "real_memory", "partitions", "reason",
                      "node_addr", "node_hostname", "features", "gres")

    @property
    def state(self):
        _state_names()
        return NODE_STATE_NAMES.get(self.c.node_state & _lib()[1].NODE_STATE_BASE, "UNKNOWN")


class Partition(Record):
    __slots__ = ()
    DEFAULT_FIELDS = ("name", "nodes", "total_nodes", "total_cpus", "max_time",
                      "default_time", "state_up")

    @property
    def flags(self):
        return _lib()[1].restd_part_flags(self.c)


class Reservation(Record):
    __slots__ = ()
    DEFAULT_FIELDS = ("name", "node_list", "node_cnt", "start_time", "end_time",
                      "users", "accounts", "partition", "flags")


class License(Record):
    __slots__ = ()
    DEFAULT_FIELDS = ("name", "total", "in_use", "available", "remote", "reserved")


class Message:
    """Owner of one libslurm response; frees it with libslurm's free function."""

    record_type = Record
    count_field = "record_count"
    array_field = None

    def __init__(self, ffi, ptr, free):
        self.ffi = ffi
        self.char_p = ffi.typeof("char *")
        self._ptr = ffi.gc(ptr, free)

    @property
    def c(self):
        """The raw response struct (cdata pointer)."""
        if self._ptr is None:
            raise ValueError("message already freed")
        return self._ptr

    @property
    def last_update(self):
        return self.c.last_update

    def response(self):
        """The whole response, as the data_parser reads it (STATS_MSG...)."""
        return self.c

    def records(self, start=0, stop=None):
        """The records [start, stop), as the data_parser reads them (restd.data_parser.dump
        with :func:`restd.native.services.get`). They belong to this message."""
        array = getattr(self.c, self.array_field)
        start, stop, _ = slice(start, stop).indices(len(self))
        return [array + index for index in range(start, stop)]

    def select(self, keep):
        """The records (as :meth:`records`) whose view (``record_type``: a Job, a
        Node...) ``keep(view)`` accepts."""
        array = getattr(self.c, self.array_field)
        make = self.record_type
        return [array + index for index in range(len(self))
                if keep(make(self, array[index]))]

    def named(self, name):
        """The records (as :meth:`records`) called ``name``."""
        return self.select(lambda record: record.name == name)

    def __len__(self):
        return getattr(self.c, self.count_field)

    def __getitem__(self, index):
        count = len(self)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError(index)
        return self.record_type(self, getattr(self.c, self.array_field)[index])

    def __iter__(self):
        ptr = self.c
        array = getattr(ptr, self.array_field)
        make = self.record_type
        for index in range(getattr(ptr, self.count_field)):
            yield make(self, array[index])

    def close(self):
        """Free the libslurm memory now (views of it become invalid)."""
        if self._ptr is not None:
            ptr, self._ptr = self._ptr, None
            self.ffi.release(ptr)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class JobInfoMsg(Message):
    record_type = Job
    array_field = "job_array"

    @property
    def last_backfill(self):
        return self.c.last_backfill


class NodeInfoMsg(Message):
    record_type = Node
    array_field = "node_array"


class PartitionInfoMsg(Message):
    record_type = Partition
    array_field = "partition_array"


class ReservationInfoMsg(Message):
    record_type = Reservation
    array_field = "reservation_array"


class LicenseInfoMsg(Message):
    record_type = License
    count_field = "num_lic"
    array_field = "lic_array"


class Statistics(Message):
    """slurm_get_statistics() response (sdiag); ``stats.jobs_submitted`` etc."""

    def __len__(self):
        return 0

    def __iter__(self):
        return iter(())

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.c, name)


# ---------------------------------------------------------------------------
# calls
# ---------------------------------------------------------------------------

def _wrap(ffi, out, free, cls):
    if out[0] == ffi.NULL:
        raise SlurmError(-1, description="libslurm returned no response")
    return cls(ffi, out[0], free)


def _load_since(update_time, ctype, call, free, cls, *args):
    """libslurm's ``call(update_time, &out, *args)``, wrapped in ``cls`` (freed by
    ``free``); ``None`` if nothing changed since ``update_time``."""
    ffi, lib = _lib()
    out = ffi.new(f"{ctype} **")
    rc = getattr(lib, call)(update_time, out, *args)
    if rc != 0 and update_time and _unchanged(rc):
        return None
    check_error(rc, call=call)
    return _wrap(ffi, out, getattr(lib, free), cls)


def _unchanged(rc):
    """True when a load with update_time returned 'no change since then'."""
    if rc == -1:
        return _lib()[1].restd_get_errno() == SLURM_NO_CHANGE_IN_DATA
    return rc == SLURM_NO_CHANGE_IN_DATA


PingResult = collections.namedtuple(
    "PingResult", "index hostname mode responding latency_us error")


def ping():
    """slurm_ping() each controller: list of :class:`PingResult` (primary first)."""
    ffi, lib = _lib()
    results = []
    for index, hostname in enumerate(controllers()):
        start = time.monotonic()
        rc = lib.slurm_ping(index)
        latency = int((time.monotonic() - start) * 1e6)
        error = None
        if rc != 0:
            try:
                check_error(rc, call="slurm_ping")
            except SlurmError as exc:
                error = exc
        mode = "primary" if index == 0 else "backup%d" % index
        results.append(PingResult(index, hostname, mode, error is None, latency, error))
    return results


def load_jobs(update_time=0, show_flags=None):
    """slurm_load_jobs(); ``None`` if nothing changed since ``update_time``."""
    lib = _lib()[1]
    flags = (lib.SHOW_ALL | lib.SHOW_DETAIL) if show_flags is None else show_flags
    return _load_since(update_time, "job_info_msg_t", "slurm_load_jobs",
                       "slurm_free_job_info_msg", JobInfoMsg, flags)


def load_job(job_id, show_flags=None):
    """slurm_load_job(): the job (an array or hetjob gives several records)."""
    ffi, lib = _lib()
    flags = (lib.SHOW_ALL | lib.SHOW_DETAIL) if show_flags is None else show_flags
    out = ffi.new("job_info_msg_t **")
    check_error(lib.restd_load_job(out, int(job_id), flags), call="slurm_load_job")
    return _wrap(ffi, out, lib.slurm_free_job_info_msg, JobInfoMsg)


def load_nodes(update_time=0, show_flags=None):
    """slurm_load_node(); ``None`` if nothing changed since ``update_time``."""
    lib = _lib()[1]
    flags = (lib.SHOW_ALL | lib.SHOW_DETAIL) if show_flags is None else show_flags
    return _load_since(update_time, "node_info_msg_t", "slurm_load_node",
                       "slurm_free_node_info_msg", NodeInfoMsg, flags)


def populate_node_partitions(nodes, partitions):
    """slurm_populate_node_partitions(): each node of the NodeInfoMsg ``nodes``
    names its partitions (from the PartitionInfoMsg ``partitions``)."""
    _lib()[1].slurm_populate_node_partitions(nodes.c, partitions.c)


def load_partitions(update_time=0, show_flags=None):
    """slurm_load_partitions(); ``None`` if nothing changed since ``update_time``."""
    lib = _lib()[1]
    flags = lib.SHOW_ALL if show_flags is None else show_flags
    return _load_since(update_time, "partition_info_msg_t", "slurm_load_partitions",
                       "slurm_free_partition_info_msg", PartitionInfoMsg, flags)


def load_reservations(update_time=0):
    """slurm_load_reservations(); ``None`` if nothing changed since ``update_time``."""
    return _load_since(update_time, "reserve_info_msg_t", "slurm_load_reservations",
                       "slurm_free_reservation_info_msg", ReservationInfoMsg)


def load_licenses(update_time=0, show_flags=0):
    """slurm_load_licenses(); ``None`` if nothing changed since ``update_time``."""
    return _load_since(update_time, "license_info_msg_t", "slurm_load_licenses",
                       "slurm_free_license_info_msg", LicenseInfoMsg, show_flags)


def diag(reset=False):
    """slurm_get_statistics() (sdiag); ``reset=True`` resets the counters instead."""
    ffi, lib = _lib()
    req = ffi.new("stats_info_request_msg_t *")
    req.command_id = lib.STAT_COMMAND_RESET if reset else lib.STAT_COMMAND_GET
    out = ffi.new("stats_info_response_msg_t **")
    rc = lib.slurm_get_statistics(out, req)
    if rc != 0 and out[0] != ffi.NULL:
        lib.slurm_free_stats_response_msg(out[0])
    check_error(rc, call="slurm_get_statistics")
    if out[0] == ffi.NULL:
        return None
    return Statistics(ffi, out[0], lib.slurm_free_stats_response_msg)


class Config(Message):
    """slurm_load_ctl_conf()'s answer: slurmctld's configuration, a ``slurm_conf_t``
    (what ``scontrol show config`` shows). ``response()`` is what the data_parser's
    SLURM_CONF and SLURM_CONF_META dump; ``lacks(member)`` says whether this Slurm's
    slurm_conf_t has no such member (one a later release added: restd.native.services
    reads it as absent)."""

    def __len__(self):
        return 0

    def __iter__(self):
        return iter(())

    @staticmethod
    def lacks(member):
        from restd.native.services import conf_lacks
        return conf_lacks(member)


def load_ctl_conf(update_time=0):
    """slurm_load_ctl_conf(); ``None`` if nothing changed since ``update_time``."""
    return _load_since(update_time, "slurm_conf_t", "slurm_load_ctl_conf",
                       "restd_free_ctl_conf", Config)


def reconfigure():
    """slurm_reconfigure(): slurmctld re-reads its configuration."""
    check_error(_lib()[1].slurm_reconfigure(), call="slurm_reconfigure")


def kill_job(job_id, signal=_signal.SIGKILL, flags=0, sibling=None):
    """slurm_kill_job2(): signal/cancel a job, ``"123"``, ``"123_4"`` or ``"123.0"``."""
    ffi, lib = _lib()
    rc = lib.slurm_kill_job2(str(job_id).encode(), int(signal), int(flags),
                             sibling.encode() if sibling else ffi.NULL)
    check_error(rc, call="slurm_kill_job2")


def signal_job(job_id, signal, full=False):
    """Send ``signal`` to the job's steps (``full=True``: also its batch shell).

    Goes through slurmctld (slurm_kill_job2), as slurmrestd does.  libslurm's
    slurm_signal_job() talks to every slurmd directly, which with SLURM_JWT=daemon
    makes libslurm 22.05 exit the whole process, so it is deliberately not used.
    """
    _, lib = _lib()
    kill_job(job_id, signal, lib.KILL_FULL_JOB if full else 0)


# ---------------------------------------------------------------------------
# job descriptions
# ---------------------------------------------------------------------------

class JobDesc:
    """A ``job_desc_msg_t`` initialised by slurm_init_job_desc_msg().

    Set fields as attributes or keyword arguments: ``str`` -> ``char *``,
    ``int`` -> integer, a list of ``str`` -> ``char **`` (``environment`` also
    takes a dict, and sets ``env_size``; ``argv`` sets ``argc``).  The Python
    object owns all memory; keep it alive while libslurm uses the struct.
    """

    _COUNTS = {"environment": "env_size", "argv": "argc"}

    def __init__(self, **fields):
        ffi, lib = _lib()
        object.__setattr__(self, "_ffi", ffi)
        object.__setattr__(self, "_keep", {})
        desc = ffi.new("job_desc_msg_t *")
        lib.slurm_init_job_desc_msg(desc)
        object.__setattr__(self, "c", desc)
        for name, value in fields.items():
            setattr(self, name, value)

    def __setattr__(self, name, value):
        ffi = self._ffi
        if name == "job_id":  # step_id.job_id from Slurm 26.05 on
            _lib()[1].restd_job_desc_set_job_id(self.c, value)
            return
        if name == "environment" and isinstance(value, dict):
            value = ["%s=%s" % item for item in value.items()]
        if value is None:
            setattr(self.c, name, ffi.NULL)
            self._keep.pop(name, None)
        elif isinstance(value, (str, bytes)):
            buf = ffi.new("char[]", value.encode() if isinstance(value, str) else value)
            self._keep[name] = buf
            setattr(self.c, name, buf)
        elif isinstance(value, (list, tuple)):
            bufs = [ffi.new("char[]", v.encode() if isinstance(v, str) else v) for v in value]
            array = ffi.new("char *[]", bufs + [ffi.NULL])
            self._keep[name] = (array, bufs)
            setattr(self.c, name, array)
            if name in self._COUNTS:
                setattr(self.c, self._COUNTS[name], len(bufs))
        else:
            setattr(self.c, name, value)

    def __getattr__(self, name):
        if name == "job_id":
            return _lib()[1].restd_job_desc_job_id(self.c)
        value = getattr(self.c, name)
        ffi = self._ffi
        if isinstance(value, ffi.CData) and ffi.typeof(value) is ffi.typeof("char *"):
            return ffi.string(value).decode() if value != ffi.NULL else None
        return value


def _desc(desc):
    return desc if isinstance(desc, JobDesc) else JobDesc(**desc)


SubmitResult = collections.namedtuple("SubmitResult", "job_id step_id error_code user_msg")


def _submit_result(ffi, lib, out):
    resp = out[0]
    if resp == ffi.NULL:
        raise SlurmError(-1, description="libslurm returned no submit response")
    try:
        return SubmitResult(lib.restd_submit_response_job_id(resp),
                            lib.restd_submit_response_step_id(resp), resp.error_code,
                            _cstr(ffi, resp.job_submit_user_msg))
    finally:
        lib.slurm_free_submit_response_response_msg(resp)


def submit_job(desc):
    """slurm_submit_batch_job(); ``desc`` is a :class:`JobDesc` or a dict of fields.

    Set ``user_id``/``group_id`` to the requesting user's (slurmctld refuses a
    description whose user differs from the authenticated one).
    """
    ffi, lib = _lib()
    desc = _desc(desc)
    out = ffi.new("submit_response_msg_t **")
    rc = lib.slurm_submit_batch_job(desc.c, out)
    if rc != 0:
        if out[0] != ffi.NULL:
            lib.slurm_free_submit_response_response_msg(out[0])
        check_error(rc, call="slurm_submit_batch_job")
    return _submit_result(ffi, lib, out)


def submit_het_job(descs):
    """slurm_submit_batch_het_job() for the components ``descs`` (first is the leader)."""
    ffi, lib = _lib()
    descs = [_desc(d) for d in descs]
    job_list = lib.slurm_list_create(ffi.NULL)  # no destructor: Python owns the items
    try:
        for desc in descs:
            lib.restd_list_append(job_list, desc.c)
        out = ffi.new("submit_response_msg_t **")
        rc = lib.slurm_submit_batch_het_job(job_list, out)
        if rc != 0:
            if out[0] != ffi.NULL:
                lib.slurm_free_submit_response_response_msg(out[0])
            check_error(rc, call="slurm_submit_batch_het_job")
        return _submit_result(ffi, lib, out)
    finally:
        lib.slurm_list_destroy(job_list)


# slurm_allocate_resources_blocking()'s answer: the job id, slurmctld's error code (a
# warning when the job was allocated anyway), the job_submit plugin's message, the nodes.
AllocationResult = collections.namedtuple(
    "AllocationResult", "job_id error_code job_submit_user_msg node_cnt node_list")


def _allocation_result(ffi, lib, resp):
    return AllocationResult(lib.restd_alloc_response_job_id(resp), resp.error_code,
                            _cstr(ffi, resp.job_submit_user_msg), resp.node_cnt,
                            _cstr(ffi, resp.node_list))


def _allocation_failed(ffi, lib, call):
    number = ffi.errno or lib.restd_get_errno()
    return SlurmError(number or -1, call=call)


def allocate_job(desc, timeout=0, poll_interval=1.0, abandoned=None):
    """An allocation without steps (what slurmrestd's job/allocate asks with
    slurm_allocate_resources_blocking()), as the calling thread's user: set
    ``user_id``/``group_id`` to theirs, as for :func:`submit_job`.

    Returns an :data:`AllocationResult` once slurmctld grants it. A refusal raises
    :class:`SlurmError`; so does a pending job that ends before it is granted
    (ESLURM_ALREADY_DONE: cancelled).

    slurm_allocate_resources_blocking() waits for slurmctld's RESPONSE_RESOURCE_ALLOCATION
    on a socket of its own; slurmctld signs that message with its AuthType (munge), which
    a libslurm loaded with SLURM_JWT=daemon cannot verify (it loads auth/jwt only): the
    message is refused and slurmctld kills the job it just started. So the request is
    made without a response port (slurm_allocate_resources(): slurmctld then sends
    nothing) and a pending allocation is followed with slurm_allocation_lookup() every
    ``poll_interval`` seconds, whatever the authentication. ``timeout`` seconds (0: no
    limit, as slurmrestd asks) or ``abandoned()`` turning true (the client went away)
    end the wait: the pending job is cancelled, as libslurm does on its timeout, and
    ETIMEDOUT (or ESLURM_ALREADY_DONE) raised.
    """
    ffi, lib = _lib()
    desc = _desc(desc)
    desc.c.alloc_resp_port = 0
    out = ffi.new("resource_allocation_response_msg_t **")
    rc = lib.slurm_allocate_resources(desc.c, out)
    if rc != 0:
        if out[0] != ffi.NULL:
            lib.slurm_free_resource_allocation_response_msg(out[0])
        check_error(rc, call="slurm_allocate_resources")
    if out[0] == ffi.NULL:
        raise SlurmError(-1, description="libslurm returned no allocation response",
                         call="slurm_allocate_resources")
    try:
        first = _allocation_result(ffi, lib, out[0])
    finally:
        lib.slurm_free_resource_allocation_response_msg(out[0])
    if first.node_cnt > 0:
        return first
    deadline = time.monotonic() + timeout if timeout else None
    pending = error_number("ESLURM_JOB_PENDING")
    while True:
        if abandoned is not None and abandoned():
            _cancel_pending(first.job_id)
            raise SlurmError(error_number("ESLURM_ALREADY_DONE"), call="slurm_allocate_resources",
                             description="allocation abandoned by its requester: "
                                         "pending job cancelled")
        if deadline is not None and time.monotonic() >= deadline:
            _cancel_pending(first.job_id)
            raise SlurmError(_errno.ETIMEDOUT, call="slurm_allocate_resources")
        time.sleep(poll_interval)
        rc = lib.restd_allocation_lookup(first.job_id, out)
        if rc == 0 and out[0] != ffi.NULL:
            try:
                granted = _allocation_result(ffi, lib, out[0])
            finally:
                lib.slurm_free_resource_allocation_response_msg(out[0])
            # the request's answer: its error code (a warning) and the job_submit
            # plugin's message came with the first response only
            return first._replace(node_cnt=granted.node_cnt, node_list=granted.node_list)
        number = lib.restd_get_errno() if rc == -1 else rc
        if number != pending:
            raise SlurmError(number or -1, call="slurm_allocation_lookup")


def _cancel_pending(job_id):
    try:
        kill_job(job_id)
    except SlurmError:
        pass  # ended meanwhile


def allocate_het_job(descs, timeout=0):
    """slurm_allocate_het_job_blocking() for the components ``descs`` (leader first):
    one :data:`AllocationResult` per component, in order (see :func:`allocate_job`).

    slurmctld schedules a het job later, never at once, and then sends the allocation
    to the socket libslurm waits on, signed with munge: a libslurm loaded with
    SLURM_JWT=daemon cannot verify it (see :func:`allocate_job`), and slurmctld kills
    the job it could not announce. libslurm has no het allocation without that socket,
    so with SLURM_JWT set this raises ESLURM_NOT_SUPPORTED instead of starting a job
    that would be killed."""
    ffi, lib = _lib()
    if os.environ.get("SLURM_JWT"):
        raise SlurmError(error_number("ESLURM_NOT_SUPPORTED"),
                         call="slurm_allocate_het_job_blocking",
                         description="HetJob allocation is not supported with JWT "
                                     "authentication: slurmctld announces the allocation "
                                     "with munge, which this libslurm (SLURM_JWT) cannot "
                                     "verify")
    descs = [_desc(d) for d in descs]
    job_list = lib.slurm_list_create(ffi.NULL)  # no destructor: Python owns the items
    try:
        for desc in descs:
            lib.restd_list_append(job_list, desc.c)
        ffi.errno = 0
        answers = lib.restd_allocate_het_job_blocking(job_list, int(timeout))
        if answers == ffi.NULL:
            raise _allocation_failed(ffi, lib, "slurm_allocate_het_job_blocking")
    finally:
        lib.slurm_list_destroy(job_list)
    try:
        return [_allocation_result(ffi, lib, resp) for resp in
                library.list_items(answers, "resource_allocation_response_msg_t *")]
    finally:
        lib.slurm_list_destroy(answers)  # its destructor frees each answer


# One entry of slurm_update_job2()'s answer for a job array: the tasks that got the
# same return code, ``tasks`` as slurmctld names them ("1234_0-2,5", "1234_7").
ArrayTaskResult = collections.namedtuple("ArrayTaskResult", "tasks error_code message")


def update_job(desc):
    """slurm_update_job2(): ``desc`` names the job (``job_id`` or ``job_id_str``).

    Returns slurmctld's per task answer for a job array, a list of
    :data:`ArrayTaskResult` (tasks refused are there, with their error code: the
    call itself succeeded); ``[]`` for any other job. A refusal of the whole
    request raises :class:`SlurmError`.
    """
    ffi, lib = _lib()
    desc = _desc(desc)
    out = ffi.new("job_array_resp_msg_t **")
    return _array_results(lib.slurm_update_job2(desc.c, out), out[0], "slurm_update_job2")


def _array_results(rc, resp, call):
    """The per task answer (job_array_resp_msg_t, freed here) of a call on a job
    array: a list of :data:`ArrayTaskResult`, ``[]`` without one; ``rc`` not 0 raises
    :class:`SlurmError`."""
    ffi, lib = _lib()
    try:
        check_error(rc, call=call)
        if resp == ffi.NULL:
            return []
        return [ArrayTaskResult(_cstr(ffi, resp.job_array_id[index]),
                                int(resp.error_code[index]),
                                _cstr(ffi, lib.restd_job_array_resp_err_msg(resp, index)))
                for index in range(resp.job_array_count)]
    finally:
        if resp != ffi.NULL:
            lib.slurm_free_job_array_resp(resp)


# ---------------------------------------------------------------------------
# nodes
# ---------------------------------------------------------------------------

def _node_msg(node_names, fields):
    ffi, lib = _lib()
    msg = ffi.new("update_node_msg_t *")
    lib.slurm_init_update_node_msg(msg)
    keep = []
    for name, value in dict(fields, node_names=node_names).items():
        if value is None:
            continue  # left as slurm_init_update_node_msg() set it
        if name == "reason_uid" and not lib.HAS_UPDATE_NODE_MSG_REASON_UID:
            continue  # Slurm 26.05 takes the user who set the reason from the request
        if isinstance(value, str):
            buf = ffi.new("char[]", value.encode())
            keep.append(buf)
            setattr(msg, name, buf)
        else:
            setattr(msg, name, value)
    return msg, keep


def struct_members(c_type: str) -> frozenset:
    """The member names of a Slurm struct (``"job_desc_msg_t"``) in the Slurm
    restd is built against: v0.0.40 describes Slurm 24.11's structs, and an
    older Slurm lacks some of their members."""
    ffi, _ = _lib()
    return frozenset(name for name, _ in ffi.typeof(c_type).fields)


def update_node(node_names, **fields):
    """slurm_update_node(), e.g. ``update_node("n1", node_state=lib.NODE_STATE_DRAIN,
    reason="maint")``."""
    _, lib = _lib()
    msg, keep = _node_msg(node_names, fields)
    check_error(lib.slurm_update_node(msg), call="slurm_update_node")
    del keep


def delete_node(node_names):
    """slurm_delete_node() (dynamic nodes)."""
    ffi, lib = _lib()
    if not lib.HAS_DELETE_NODE:
        raise not_supported("slurm_delete_node")
    msg, keep = _node_msg(node_names, {})
    check_error(lib.restd_delete_node(msg), call="slurm_delete_node")
    del keep


def create_node(node_conf):
    """slurm_create_node() (dynamic nodes): ``node_conf`` is a slurm.conf node line
    ("NodeName=d1 CPUs=1 State=CLOUD"), sent in update_node_msg_t.extra as scontrol
    create nodename= sends it (22.05 on)."""
    _, lib = _lib()
    if not lib.HAS_CREATE_NODE:
        raise not_supported("slurm_create_node")
    msg, keep = _node_msg(None, {"extra": node_conf})
    check_error(lib.restd_create_node(msg), call="slurm_create_node")
    del keep


# ---------------------------------------------------------------------------
# fair share
# ---------------------------------------------------------------------------

class Share(Record):
    __slots__ = ()
    DEFAULT_FIELDS = ("assoc_id", "cluster", "name", "parent", "partition", "shares_norm",
                      "shares_raw", "usage_efctv", "usage_norm", "usage_raw",
                      "fs_factor", "level_fs", "user")


class SharesMsg(Message):
    """shares_response_msg_t (RESPONSE_SHARE_INFO); iterates assoc_shares_object_t."""

    record_type = Share

    def _items(self):
        return library.list_items(self.c.assoc_shares_list, "assoc_shares_object_t *")

    def __len__(self):
        ffi, lib = _lib()
        lst = self.c.assoc_shares_list
        return 0 if lst == ffi.NULL else lib.slurm_list_count(lst)

    def __getitem__(self, index):
        return Share(self, self._items()[index])

    def __iter__(self):
        for item in self._items():
            yield Share(self, item)

    @property
    def tres_names(self):
        ffi = self.ffi
        c = self.c
        return [_cstr(ffi, c.tres_names[i]) for i in range(c.tres_cnt)]


def shares(accounts=None, users=None):
    """Fair-share tree (sshare): slurm_associations_get_shares() from 23.11 on, before
    that the same REQUEST_SHARE_INFO RPC sent by ``restd_shares_rpc`` (protocol.py),
    as sshare 22.05 does; HAS_ASSOCIATIONS_GET_SHARES is 0 only before 22.05."""
    ffi, lib = _lib()
    if not lib.HAS_ASSOCIATIONS_GET_SHARES:
        raise not_supported("slurm_associations_get_shares")
    req = ffi.new("shares_request_msg_t *")
    keep = []
    lists = []
    try:
        for field, names in (("acct_list", accounts), ("user_list", users)):
            if names:
                lst = lib.slurm_list_create(ffi.NULL)
                lists.append(lst)
                for name in names:
                    buf = ffi.new("char[]", name.encode())
                    keep.append(buf)
                    lib.restd_list_append(lst, buf)
                setattr(req, field, lst)
        out = ffi.new("shares_response_msg_t **")
        rc = lib.restd_associations_get_shares(req, out)
        if rc != 0 and out[0] != ffi.NULL:
            lib.slurm_free_shares_response_msg(out[0])
        check_error(rc, call="slurm_associations_get_shares")
        return _wrap(ffi, out, lib.slurm_free_shares_response_msg, SharesMsg)
    finally:
        for lst in lists:
            lib.slurm_list_destroy(lst)


# ---------------------------------------------------------------------------
# partitions and reservations: created, updated, deleted
# ---------------------------------------------------------------------------

def _set_members(ffi, c, members, keep, setters=None):
    """Set a struct's members from ``members`` (C member name -> value): a str as a
    ``char *`` kept alive in ``keep``; ``setters`` names the members written through
    an accessor (a type that changed between versions)."""
    for name, value in members.items():
        if setters and name in setters:
            setters[name](c, value)
        elif isinstance(value, str):
            buf = ffi.new("char[]", value.encode())
            keep.append(buf)
            setattr(c, name, buf)
        elif value is None:
            setattr(c, name, ffi.NULL)
        else:
            setattr(c, name, value)


def _set_part_flags(msg, flags):
    if _lib()[1].restd_part_set_flags(msg, flags):
        # a flag newer than this Slurm (26.05's PART_FLAG_EXC_TOPO_CLR in 22.05's uint16_t)
        raise SlurmError(error_number("ESLURM_NOT_SUPPORTED"),
                         description=f"partition flags {flags:#x} do not fit this Slurm's "
                                     "partition flags", call="slurm_update_partition")


def _part_msg(members):
    ffi, lib = _lib()
    msg = ffi.new("update_part_msg_t *")
    lib.slurm_init_part_desc_msg(msg)
    keep = []
    _set_members(ffi, msg, members, keep, {"flags": _set_part_flags})
    return msg, keep


def _send_built(build, members, call):
    """The libslurm function named ``call`` given the message ``build(members)``
    makes; the buffers the message points to live until it returns."""
    _, lib = _lib()
    msg, keep = build(members)
    check_error(getattr(lib, call)(msg), call=call)
    del keep


def _send_name(msg_type, name, call):
    """The libslurm function named ``call`` given a ``msg_type`` naming ``name``
    (the delete messages: only their name is read)."""
    ffi, lib = _lib()
    msg = ffi.new(f"{msg_type} *")
    buf = ffi.new("char[]", name.encode())
    msg.name = buf
    check_error(getattr(lib, call)(msg), call=call)


def create_partition(**members):
    """slurm_create_partition(): ``members`` are update_part_msg_t's (name, nodes...)."""
    _send_built(_part_msg, members, "slurm_create_partition")


def update_partition(**members):
    """slurm_update_partition(): the partition named by ``members["name"]``."""
    _send_built(_part_msg, members, "slurm_update_partition")


def delete_partition(name):
    """slurm_delete_partition()."""
    _send_name("delete_part_msg_t", name, "slurm_delete_partition")


RESV_COUNTS = ("core_cnt", "node_cnt")


def _resv_msg(members):
    from restd.native.slurm_h import NO_VAL
    ffi, lib = _lib()
    msg = ffi.new("resv_desc_msg_t *")
    lib.slurm_init_resv_desc_msg(msg)
    keep = []
    counts = {name: members.get(name) for name in RESV_COUNTS}
    _set_members(ffi, msg, {k: v for k, v in members.items() if k not in RESV_COUNTS},
                 keep)
    storage = ffi.new("uint32_t[4]")
    keep.append(storage)
    lib.restd_resv_desc_set_counts(
        msg, NO_VAL if counts["core_cnt"] is None else counts["core_cnt"],
        NO_VAL if counts["node_cnt"] is None else counts["node_cnt"], storage)
    return msg, keep


def create_reservation(**members):
    """slurm_create_reservation(): ``members`` are resv_desc_msg_t's; returns the
    name slurmctld gave the reservation."""
    ffi, lib = _lib()
    msg, keep = _resv_msg(members)
    name = ffi.new("char[]", 1024)  # ReservationName: slurmctld's names are far shorter
    check_error(lib.restd_create_reservation(msg, name, len(name)),
                call="slurm_create_reservation")
    del keep
    return ffi.string(name).decode(errors="replace")


def update_reservation(**members):
    """slurm_update_reservation(): the reservation named by ``members["name"]``."""
    _send_built(_resv_msg, members, "slurm_update_reservation")


def delete_reservation(name):
    """slurm_delete_reservation()."""
    _send_name("reservation_name_msg_t", name, "slurm_delete_reservation")


# ---------------------------------------------------------------------------
# requeue
# ---------------------------------------------------------------------------

def requeue(job_id, flags=0):
    """slurm_requeue2(): requeue ``job_id`` ("123", "123_4", "123_[1-3]"); returns the
    per task answer of a job array as :data:`ArrayTaskResult` (``[]`` for any other
    job). A refusal of the whole request raises :class:`SlurmError`."""
    ffi, lib = _lib()
    out = ffi.new("job_array_resp_msg_t **")
    return _array_results(lib.slurm_requeue2(str(job_id).encode(), int(flags), out), out[0],
                          "slurm_requeue2")


def requeue_flags():
    """slurm_requeue2()'s flags by the names slurmrestd gives them
    (OPENAPI_JOB_REQUEUE_FLAGS)."""
    _, lib = _lib()
    return {"Incomplete": lib.JOB_RUNNING, "Hold": lib.JOB_REQUEUE_HOLD,
            "SpecialExit": lib.JOB_SPECIAL_EXIT, "Fail": lib.JOB_RECONFIG_FAIL}


def has_resource_layout():
    """Whether this libslurm has slurm_get_resource_layout() (Slurm 25.11 on)."""
    return bool(_lib()[1].HAS_GET_RESOURCE_LAYOUT)


def resource_layout(job_id):
    """slurm_get_resource_layout() (Slurm 25.11 on): the job's resources on each node,
    as dicts keyed by node_resource_layout_t's members (``gres``: dicts of
    node_gres_layout_t's, ``index`` the set GRES indexes)."""
    ffi, lib = _lib()
    if not lib.HAS_GET_RESOURCE_LAYOUT:
        raise not_supported("slurm_get_resource_layout")
    out = ffi.new("restd_resource_layout_msg_t **")
    rc = lib.restd_get_resource_layout(int(job_id), out)
    msg = out[0]
    try:
        check_error(rc, call="slurm_get_resource_layout")
        if msg == ffi.NULL:
            return []
        nodes = []
        for node in library.list_items(msg.nodes, "restd_node_resource_layout_t *"):
            gres = []
            for item in library.list_items(node.gres, "restd_node_gres_layout_t *"):
                index = None
                if item.index != ffi.NULL:
                    index = {bit for bit in range(lib.slurm_bit_size(item.index))
                             if lib.slurm_bit_test(item.index, bit)}
                gres.append({"name": _cstr(ffi, item.name), "type": _cstr(ffi, item.type),
                             "count": int(item.count), "index": index})
            nodes.append({"node": _cstr(ffi, node.node),
                          "sockets_per_node": int(node.sockets_per_node),
                          "cores_per_socket": int(node.cores_per_socket),
                          "mem_alloc": int(node.mem_alloc),
                          "core_bitmap": _cstr(ffi, node.core_bitmap),
                          "channel": int(node.channel), "gres": gres})
        return nodes
    finally:
        if msg != ffi.NULL:
            lib.restd_free_resource_layout_msg(msg)
