"""The data_parser's view of libslurm: a cdata getter and a libslurm-backed
:class:`restd.data_parser.services.Services`.

``get(obj, member)`` reads a member of a cffi struct (pointer or value), as
``restd.data_parser.dump`` asks for it: ``char *`` becomes ``str`` (``None``
for NULL), ``char **`` an indexable of ``str``, a NULL struct pointer
``None``; dicts (the response wrappers the plugin builds) are read by key.
Members whose C type changed between releases, or that point at a struct
slurm.h keeps opaque (``job_resrcs``), go through the binding's accessors;
members the compiled-against Slurm does not have read as ``None`` (listed in
:data:`ABSENT_MEMBERS`, so that a typo still fails loudly).
"""
from __future__ import annotations

import functools

from restd.data_parser.services import InvalidHostlist, Services, TooManyHosts
from restd.native import hostlist, library

# Members the data_parser v0.0.40 dumps that some Slurm versions' structs lack, and what
# they read as there: None (dumped as v0.0.40 dumps an unset value) for the members older
# versions lack; for a member newer versions removed, what slurmrestd of those versions
# dumps for a removed field (data_parser _dump_removed(): 0 for a number).
ABSENT_MEMBERS = {
    **dict.fromkeys((
        "container_id", "extra", "failed_node", "job_size_str",          # slurm_job_info_t
        "instance_id", "instance_type", "resume_after", "resv_name",     # node_info_t
        "max_cpus_per_socket",                                           # partition_info_t
        "last_consumed", "last_deficit", "last_update",                  # slurm_license_info_t
        "schedule_exit", "schedule_exit_cnt", "bf_exit", "bf_exit_cnt",  # stats response
    )),
    "parts_packed": 0,  # stats_info_response_msg_t, removed in 26.05 (25.11's protocol)
}


# slurm_conf_t members v0.0.45's GET conf dumps that older releases lack (declared
# optional in the binding): absent there, so GET conf leaves their keys out
# (conf_lacks(); plugins/content/slurmctld.get_conf).
CONF_OPTIONAL_MEMBERS = frozenset((
    # 24.11 on
    "certmgr_params", "certmgr_type", "cluster_id", "data_parser_parameters",
    "getnameinfo_cache_timeout", "hash_plugin", "max_batch_requeue", "preempt_params",
    "suspend_exc_states", "tls_params", "tls_type",
    # 26.05
    "certgen_params", "certgen_type", "cli_filter_params", "health_check_timeout",
    "http_parser_type", "host_unreach_retry_count", "license_params", "metrics_auth_users",
    "metrics_params", "metrics_type", "slurmctld_http_auth_params",
    "slurmd_http_auth_params", "url_parser_type",
))


class CharArray:
    """A ``char **`` as an indexable of ``str`` (the caller knows the count)."""

    __slots__ = ("_ffi", "_array")

    def __init__(self, ffi, array):
        self._ffi = ffi
        self._array = array

    def __getitem__(self, index):
        value = self._array[index]
        return self._ffi.string(value).decode(errors="replace") if value != self._ffi.NULL \
            else None

    def __bool__(self):
        return True


def _list_of(item_type):
    """An accessor reading a ``list_t *`` member as a Python list of ``item_type``."""
    def items(obj, member):
        lst = getattr(obj, member)
        return None if lst == library.get()[0].NULL else library.list_items(lst, item_type)
    return items


# restd_conf_scripts()'s order: Epilog, EpilogSlurmctld, Prolog, PrologSlurmctld
CONF_SCRIPTS = ("epilog", "epilog_slurmctld", "prolog", "prolog_slurmctld")


def _conf_scripts(conf, which):
    """The scripts of one of CONF_SCRIPTS, as a list (one char * before 24.11)."""
    ffi, lib = library.get()
    count = ffi.new("uint32_t *")
    scripts = lib.restd_conf_scripts(conf, which, count)
    return [ffi.string(scripts[index]).decode(errors="replace") for index in range(count[0])
            if scripts[index] != ffi.NULL]


def conf_lacks(member: str) -> bool:
    """Whether the slurm_conf_t of the Slurm restd is built against lacks ``member``
    (one of CONF_OPTIONAL_MEMBERS, which a later release added)."""
    if member not in CONF_OPTIONAL_MEMBERS:
        return False
    ffi, _ = library.get()
    return member not in {name for name, _ in ffi.typeof("slurm_conf_t").fields}


@functools.lru_cache(maxsize=None)
def _types():
    ffi, lib = library.get()
    shares = _list_of("assoc_shares_object_t *")
    job_defaults = _list_of("job_defaults_t *")
    return (ffi, lib, ffi.typeof("char *"), ffi.typeof("char * *"), ffi.CData,
            {ffi.typeof("shares_response_msg_t *"): {
                "assoc_shares_list": lambda msg: shares(msg, "assoc_shares_list")}} |
            {ffi.typeof("slurm_job_info_t *"): {"state_reason": lib.restd_job_state_reason,
                                                "job_resrcs": lib.restd_job_resources,
                                                # step_id.sluid where Slurm has it (25.11)
                                                "sluid": lib.restd_job_info_sluid},
             ffi.typeof("partition_info_t *"): {"flags": lib.restd_part_flags},
             # slurm_load_ctl_conf()'s answer, with what v0.0.45 names on every release
             ffi.typeof("slurm_conf_t *"): {
                 **{member: functools.partial(_conf_scripts, which=which)
                    for which, member in enumerate(CONF_SCRIPTS)},
                 "epilog_timeout": lambda conf: lib.restd_conf_script_timeout(conf, 1),
                 "prolog_timeout": lambda conf: lib.restd_conf_script_timeout(conf, 0),
                 "namespace_plugin": lib.restd_conf_namespace_plugin,
                 "debug_flags": lib.restd_conf_debug_flags,
                 "health_check_node_state": lib.restd_conf_health_check_node_state,
                 "log_fmt": lib.restd_conf_log_fmt,
                 "select_type_param": lib.restd_conf_select_type_param,
                 "job_defaults_list": lambda conf: job_defaults(conf, "job_defaults_list")},
             ffi.typeof("stats_info_response_msg_t *"): {
                 "schedule_cycle_sum": lib.restd_stats_schedule_cycle_sum}})


def _member(obj, name):
    if isinstance(obj, dict):  # records read into dicts (slurmdbd's): no cdata to look at
        return obj.get(name)
    ffi, lib, char_p, char_pp, cdata, accessors = _types()
    if not isinstance(obj, cdata):
        return getattr(obj, name)
    special = accessors.get(ffi.typeof(obj))
    if special is not None and name in special:
        value = special[name](obj)
    else:
        try:
            value = getattr(obj, name)
        except AttributeError:
            if name in ABSENT_MEMBERS:
                return ABSENT_MEMBERS[name]
            if name in CONF_OPTIONAL_MEMBERS and ffi.typeof(obj) is ffi.typeof("slurm_conf_t *"):
                return None  # GET conf leaves the key out (conf_lacks)
            raise
    if isinstance(value, cdata):
        kind = ffi.typeof(value)
        if value == ffi.NULL:
            return None
        if kind is char_p:
            return ffi.string(value).decode(errors="replace")
        if kind is char_pp:
            return CharArray(ffi, value)
    return value


def get(obj, source):
    """The data_parser getter for cdata (and plain dicts/objects)."""
    if "." not in source:
        if obj is None:
            return None
        return _member(obj, source)
    for part in source.split("."):
        if obj is None:
            return None
        obj = _member(obj, part)
    return obj


class LibslurmServices(Services):
    """What only libslurm knows, asked of libslurm (names of users and groups
    come from the same NSS through Python's pwd/grp, as uid_to_string does)."""

    def strerror(self, number: int) -> str:
        ffi, lib = library.get()
        return ffi.string(lib.slurm_strerror(int(number))).decode(errors="replace")

    def hostlist_ranged(self, hosts):
        try:
            return hostlist.ranged(hosts)
        except hostlist.InvalidHostlist as error:
            raise InvalidHostlist(str(error), error.index) from None
        except hostlist.TooManyHosts as error:
            raise TooManyHosts(error.limit) from None

    def hostlist_names(self, expression, limit=None):
        try:
            return hostlist.names(expression, limit if limit is not None
                                  else hostlist.NO_LIMIT)
        except hostlist.InvalidHostlist as error:
            raise InvalidHostlist(str(error)) from None
        except hostlist.TooManyHosts as error:
            raise TooManyHosts(error.limit) from None

    def job_reason(self, reason: int) -> str:
        ffi, lib = library.get()
        text = lib.restd_job_reason_string(int(reason))
        return ffi.string(text).decode() if text != ffi.NULL else "InvalidReason"

    def bits(self, bitstr):
        ffi, lib = library.get()
        if not isinstance(bitstr, ffi.CData):
            return super().bits(bitstr)
        return {bit for bit in range(lib.slurm_bit_size(bitstr))
                if lib.slurm_bit_test(bitstr, bit)}

    def job_stdio(self, job, stream, get):
        ffi, lib = library.get()
        if not isinstance(job, ffi.CData):
            return super().job_stdio(job, stream, get)
        call = {"stdin": lib.slurm_get_job_stdin, "stdout": lib.slurm_get_job_stdout,
                "stderr": lib.slurm_get_job_stderr}[stream]
        buf = ffi.new("char[]", 4096)
        call(buf, 4096, job)
        return ffi.string(buf).decode(errors="replace")

    def node_select(self, node, what, get):
        ffi, lib = library.get()
        if not isinstance(node, ffi.CData):
            return super().node_select(node, what, get)
        cpus = ffi.new("uint16_t *")
        memory = ffi.new("uint64_t *")
        tres = ffi.new("char **")
        weighted = ffi.new("double *")
        lib.restd_node_alloc(node, cpus, memory, tres, weighted)
        if tres[0] != ffi.NULL:
            tres_text = ffi.string(tres[0]).decode(errors="replace")
            if lib.RESTD_NODE_ALLOC_TRES_OWNED:
                lib.slurm_xfree_ptr(tres[0])
        else:
            tres_text = ""
        if what == "alloc_cpus":
            return int(cpus[0])
        if what == "alloc_idle_cpus":
            return int(node.cpus) - int(cpus[0])
        if what == "alloc_memory":
            return int(memory[0])
        if what == "tres_used":
            return tres_text
        if what == "tres_weighted":
            return float(weighted[0])
        raise KeyError(what)

    def select_type_param(self) -> int:
        return int(library.get()[1].slurm_conf.select_type_param)

    def controller_count(self) -> int:
        return int(library.get()[1].slurm_conf.control_cnt)

    def accounting_storage_enabled(self) -> bool:
        ffi, lib = library.get()
        return lib.slurm_conf.accounting_storage_type != ffi.NULL

    def accounting_storage_type(self) -> str:
        ffi, lib = library.get()
        value = lib.slurm_conf.accounting_storage_type
        return ffi.string(value).decode() if value != ffi.NULL else ""

    def rpc_name(self, number: int) -> str:
        ffi, lib = library.get()
        return ffi.string(lib.rpc_num2string(int(number))).decode(errors="replace")
