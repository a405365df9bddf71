"""What dumping needs from Slurm itself, beyond the struct members: names of
users and groups, libslurm's strings for error numbers, job state reasons and
signals, job standard stream paths. The native binding provides a Services
backed by libslurm (slurm_strerror(), job_state_reason_string(),
slurm_get_job_stdout(), ...); this default one uses only the Python standard
library and is what tests use.
"""
from __future__ import annotations

import grp
import os
import pwd
import signal
from typing import Any, Callable, Optional, Sequence, Union

from restd.data_parser.types import ERROR_TEXT

SLURM_DIST_STATE_BASE = 0x00FFFF
SLURM_DIST_PACK_NODES = 0x800000
SLURM_DIST_NO_PACK_NODES = 0x400000
# src/common/slurm_step_layout.c layout_type_names[] (task_dist_states_t)
TASK_DISTRIBUTIONS = {
    0x0001: "Cyclic", 0x0002: "Block", 0x0003: "arbitrary task distribution",
    0x0004: "Plane", 0x0011: "CCyclic", 0x0021: "CBlock", 0x0012: "BCyclic",
    0x0022: "BBlock", 0x0031: "CFCyclic", 0x0032: "BFCyclic",
    0x0111: "CCyclicCyclic", 0x0211: "CCyclicBlock", 0x0311: "CCyclicFCyclic",
    0x0121: "CBlockCyclic", 0x0221: "CBlockBlock", 0x0321: "CCyclicFCyclic",
    0x0131: "CFCyclicCyclic", 0x0231: "CFCyclicBlock", 0x0331: "CFCyclicFCyclic",
    0x0112: "BCyclicCyclic", 0x0212: "BCyclicBlock", 0x0312: "BCyclicFCyclic",
    0x0122: "BBlockCyclic", 0x0222: "BBlockBlock", 0x0322: "BBlockFCyclic",
    0x0132: "BFCyclicCyclic", 0x0232: "BFCyclicBlock", 0x0332: "BFCyclicFCyclic",
}

# src/common/proc_args.c signals_mapping[] (names without "SIG").
SIGNALS = tuple((name, int(getattr(signal, "SIG" + name))) for name in (
    "HUP", "INT", "QUIT", "ABRT", "KILL", "ALRM", "TERM", "CHLD", "USR1", "USR2",
    "PIPE", "URG", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "XCPU"))



class InvalidHostlist(ValueError):
    """An expression, or an entry of a list of hosts, that Slurm's hostlist
    functions cannot read: ``index`` is the entry's position in the list (None
    for a single expression)."""

    def __init__(self, message: str, index: Optional[int] = None):
        super().__init__(message)
        self.index = index


class TooManyHosts(ValueError):
    """An expression naming more hosts than the caller's limit."""

    def __init__(self, limit: int):
        super().__init__(f"more than {limit} host names")
        self.limit = limit


class Services:
    def user_name(self, uid: int) -> Optional[str]:
        """uid_to_string_or_null()."""
        try:
            return pwd.getpwuid(uid).pw_name
        except (KeyError, OverflowError, TypeError):
            return None

    def group_name(self, gid: int) -> Optional[str]:
        """gid_to_string_or_null()."""
        try:
            return grp.getgrgid(gid).gr_name
        except (KeyError, OverflowError, TypeError):
            return None

    def user_id(self, name: str) -> Optional[int]:
        """uid_from_string(): a name or a numeric string."""
        try:
            return pwd.getpwnam(name).pw_uid
        except KeyError:
            return int(name) if name.isdecimal() else None

    def group_id(self, name: str) -> Optional[int]:
        try:
            return grp.getgrnam(name).gr_gid
        except KeyError:
            return int(name) if name.isdecimal() else None

    def strerror(self, number: int) -> str:
        """slurm_strerror()."""
        if number == 0:
            return "No error"
        if number in ERROR_TEXT:
            return ERROR_TEXT[number]
        try:
            return os.strerror(number)
        except ValueError:
            return f"Unknown error {number}"

    def hostlist_ranged(self, hosts: Union[str, Sequence[str]]) -> str:
        """hostlist_ranged_string() of an expression (hostlist_create()) or of a
        list of entries, each a name or an expression (hostlist_push() of each),
        as Slurm's HOSTLIST parser reads a string or a list. Raises
        InvalidHostlist. The native Services asks libslurm; this one is restd's
        approximation (it sorts and merges the numbers of a prefix, which Slurm
        does not). The native one raises TooManyHosts for more hosts than
        libslurm counts."""
        from restd.data_parser.types import expand_hostlist, ranged_hostlist
        if isinstance(hosts, str):
            entries = [hosts] if "[" in hosts else hosts.split(",")
        else:
            entries = list(hosts)
        names: list[str] = []
        for index, entry in enumerate(entries):
            try:
                names.extend(expand_hostlist(entry))
            except ValueError as error:
                raise InvalidHostlist(str(error),
                                      None if isinstance(hosts, str) else index) from None
        return ranged_hostlist(names)

    def hostlist_names(self, expression: str, limit: Optional[int] = None) -> list[str]:
        """The host names of an expression in Slurm's order (hostlist_create() and
        its iteration); TooManyHosts when there are more than ``limit``. Raises
        InvalidHostlist. The native Services asks libslurm."""
        from restd.data_parser.types import expand_hostlist
        try:
            names = expand_hostlist(expression) if expression else []
        except ValueError as error:
            raise InvalidHostlist(str(error)) from None
        if limit is not None and len(names) > limit:
            raise TooManyHosts(limit)
        return names

    def job_reason(self, reason: int) -> str:
        """job_state_reason_string(). The enum differs between Slurm releases:
        the native Services asks libslurm; this table is Slurm 24.11's."""
        return JOB_STATE_REASONS.get(reason, "InvaildReason")  # sic, as Slurm

    def signal_name(self, number: int) -> str:
        """sig_num2name(): "INT", "KILL"... from Slurm's table, else the number."""
        for name, value in SIGNALS:
            if value == number:
                return name
        return str(number)

    def signal_number(self, name: str) -> int:
        """sig_name2num(): a number, or a name of Slurm's table with or
        without "SIG", any case; 0 when unknown."""
        text = name.strip()
        if text.isdecimal():
            return int(text)
        upper = text.upper()
        if upper.startswith("SIG"):
            upper = upper[3:]
        for signal_name, value in SIGNALS:
            if signal_name == upper:
                return value
        return 0

    def select_type_param(self) -> int:
        """slurm_conf.select_type_param (CR_CPU 0x1, CR_SOCKET 0x2, CR_CORE
        0x4...): decides whether allocated cores or CPUs are shown. Without
        the configuration: CR_CORE (select/cons_tres' default)."""
        return 0x0004

    def bits(self, bitstr: Any) -> set:
        """The set bits of a bitstr_t (bit_test()). Without libslurm: an
        iterable of ints, or a ranged string ("0-3,7")."""
        if bitstr is None:
            return set()
        if isinstance(bitstr, (str, bytes)):
            from restd.data_parser.types import text
            found = set()
            for part in text(bitstr).split(","):
                if part.strip():
                    low, _, high = part.partition("-")
                    found.update(range(int(low), int(high or low) + 1))
            return found
        return set(bitstr)

    def job_stdio(self, job: Any, stream: str, get: Callable) -> str:
        """slurm_get_job_stdin/stdout/stderr() of a slurm_job_info_t: the
        path with its %j-style patterns expanded, Slurm's defaults when
        unset ("/dev/null" for stdin, slurm-<id>.out in the working
        directory for the others, "" for jobs without a batch script)."""
        from restd.data_parser.types import text
        std_in, std_out, std_err = (get(job, m) for m in ("std_in", "std_out", "std_err"))
        batch = int(get(job, "batch_flag") or 0)
        if stream == "stdin":
            if std_in:
                return self._fname_format(text(std_in), job, get)
            return "" if not batch else "/dev/null"
        if stream == "stderr" and std_err:
            return self._fname_format(text(std_err), job, get)
        if std_out:
            return self._fname_format(text(std_out), job, get)
        if not batch:
            return ""
        work_dir = text(get(job, "work_dir"))
        array_job_id = int(get(job, "array_job_id") or 0)
        if array_job_id:
            return f"{work_dir}/slurm-{array_job_id}_{int(get(job, 'array_task_id') or 0)}.out"
        return f"{work_dir}/slurm-{int(get(job, 'job_id') or 0)}.out"

    def _fname_format(self, fmt: str, job: Any, get: Callable) -> str:
        """src/api/job_info.c _fname_format(): %A %a %b %j %u %x (with an
        optional width), %% and a relative path made absolute with the
        working directory; the quirks of its width handling kept."""
        from restd.data_parser.types import NO_VAL, text
        out, q, p, end = [], 0, 0, len(fmt)
        while p < end:
            if fmt[p] != "%":
                p += 1
                continue
            offset, width = 1, 0
            if p + 1 < end and fmt[p + 1] == "%":
                p += 1
                out.append(fmt[q:p])
                p += 1
                q = p
                continue
            if p + 1 < end and fmt[p + 1].isdecimal():
                digits_end = p + 1
                while digits_end < end and fmt[digits_end].isdecimal():
                    digits_end += 1
                number = int(fmt[p + 1:digits_end])
                width, offset = (10, 3) if number > 9 else (number, 2)
                p = digits_end
                if p >= end:
                    break
            else:
                p += 1
                if p >= end:
                    break
            letter = fmt[p]
            job_id = int(get(job, "job_id") or 0)
            task = int(get(job, "array_task_id") or 0)
            array_id = job_id if task == NO_VAL else int(get(job, "array_job_id") or 0)
            values = {
                "A": lambda: f"{array_id:0{width}d}",
                "a": lambda: f"{task:0{width}d}",
                "b": lambda: f"{task % 10:0{width}d}",
                "j": lambda: f"{job_id:0{width}d}",
                "u": lambda: self.user_name(int(get(job, "user_id") or 0)) or "nobody",
                "x": lambda: text(get(job, "name")),
            }
            if letter in values:
                out.append(fmt[q:max(p - offset, q)])
                out.append(values[letter]())
                q = p + 1
        if p != q:
            out.append(fmt[q:p])
        path = "".join(out)
        if path.startswith("/"):
            return path
        return f"{text(get(job, 'work_dir'))}/{path}"

    def node_select(self, node: Any, what: str, get: Callable) -> Any:
        """slurm_get_select_nodeinfo() of a node_info_t: ``what`` is one of
        alloc_memory, alloc_cpus, alloc_idle_cpus, tres_used, tres_weighted.
        Without libslurm: the member of that name, if the source has one."""
        from restd.data_parser.types import text
        try:
            value = get(node, what)
        except AttributeError:
            value = None
        if what == "alloc_idle_cpus" and value is None:
            cpus, alloc = get(node, "cpus"), self.node_select(node, "alloc_cpus", get)
            return int(cpus or 0) - int(alloc or 0)
        if what == "tres_used":
            return text(value)
        if what == "tres_weighted":
            return float(value or 0.0)
        return int(value or 0)

    def controller_count(self) -> int:
        """slurm_conf.control_cnt."""
        return 1

    def accounting_storage_enabled(self) -> bool:
        """slurm_conf.accounting_storage_type is set."""
        return True

    def rpc_name(self, number: int) -> str:
        """rpc_num2string(): libslurm's message type names."""
        return str(number)

    def task_distribution_name(self, dist: int) -> str:
        """slurm_step_layout_type_name()."""
        name = TASK_DISTRIBUTIONS.get(dist & SLURM_DIST_STATE_BASE, "Unknown")
        if dist & SLURM_DIST_PACK_NODES:
            name += ",Pack"
        if dist & SLURM_DIST_NO_PACK_NODES:
            name += ",NoPack"
        return name

    def task_distribution(self, text: str) -> int:
        """verify_dist_type(): "node[:socket[:core]][,Pack|NoPack]" with
        levels block, cyclic, fcyclic (socket, core), plane, arbitrary, "*".
        Raises ValueError when not understood."""
        main, *options = [part.strip().lower() for part in text.split(",")]
        dist = 0
        levels = main.split(":")
        if not main or len(levels) > 3:
            raise ValueError(text)
        node = levels[0].split("=")[0]
        node_values = {"cyclic": 0x1, "block": 0x2, "arbitrary": 0x3, "plane": 0x4, "*": 0}
        if node not in node_values:
            raise ValueError(text)
        dist |= node_values[node]
        for shift, level in zip((4, 8), levels[1:]):
            values = {"cyclic": 1, "block": 2, "fcyclic": 3, "*": 0}
            if level not in values:
                raise ValueError(text)
            dist |= values[level] << shift
        for option in options:
            if option == "pack":
                dist |= SLURM_DIST_PACK_NODES
            elif option == "nopack":
                dist |= SLURM_DIST_NO_PACK_NODES
            else:
                raise ValueError(text)
        return dist


    def bitstr(self, bits: Any) -> str:
        """bit_fmt(): the set bits of a bitstr_t as a ranged string. Without
        libslurm: a str is returned as is, an iterable of ints is ranged."""
        if isinstance(bits, (str, bytes)):
            from restd.data_parser.types import text
            return text(bits)
        ranges, start, prev = [], None, None
        for bit in sorted(bits):
            if start is None:
                start = prev = bit
            elif bit == prev + 1:
                prev = bit
            else:
                ranges.append((start, prev))
                start = prev = bit
        if start is not None:
            ranges.append((start, prev))
        return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)


JOB_STATE_REASONS = {  # job_state_reason.c of Slurm 24.11: enum value -> text
    0: 'None',  # WAIT_NO_REASON
    1: 'Priority',  # WAIT_PRIORITY
    2: 'Dependency',  # WAIT_DEPENDENCY
    3: 'Resources',  # WAIT_RESOURCES
    4: 'PartitionNodeLimit',  # WAIT_PART_NODE_LIMIT
    5: 'PartitionTimeLimit',  # WAIT_PART_TIME_LIMIT
    6: 'PartitionDown',  # WAIT_PART_DOWN
    7: 'PartitionInactive',  # WAIT_PART_INACTIVE
    8: 'JobHeldAdmin',  # WAIT_HELD
    9: 'BeginTime',  # WAIT_TIME
    10: 'Licenses',  # WAIT_LICENSES
    11: 'AssociationJobLimit',  # WAIT_ASSOC_JOB_LIMIT
    12: 'AssociationResourceLimit',  # WAIT_ASSOC_RESOURCE_LIMIT
    13: 'AssociationTimeLimit',  # WAIT_ASSOC_TIME_LIMIT
    14: 'Reservation',  # WAIT_RESERVATION
    15: 'ReqNodeNotAvail',  # WAIT_NODE_NOT_AVAIL
    16: 'JobHeldUser',  # WAIT_HELD_USER
    17: 'FrontEndDown',  # WAIT_FRONT_END
    18: 'SchedDefer',  # FAIL_DEFER
    19: 'PartitionDown',  # FAIL_DOWN_PARTITION
    20: 'NodeDown',  # FAIL_DOWN_NODE
    21: 'BadConstraints',  # FAIL_BAD_CONSTRAINTS
    22: 'SystemFailure',  # FAIL_SYSTEM
    23: 'JobLaunchFailure',  # FAIL_LAUNCH
    24: 'NonZeroExitCode',  # FAIL_EXIT_CODE
    25: 'TimeLimit',  # FAIL_TIMEOUT
    26: 'InactiveLimit',  # FAIL_INACTIVE_LIMIT
    27: 'InvalidAccount',  # FAIL_ACCOUNT
    28: 'InvalidQOS',  # FAIL_QOS
    29: 'QOSUsageThreshold',  # WAIT_QOS_THRES
    30: 'QOSJobLimit',  # WAIT_QOS_JOB_LIMIT
    31: 'QOSResourceLimit',  # WAIT_QOS_RESOURCE_LIMIT
    32: 'QOSTimeLimit',  # WAIT_QOS_TIME_LIMIT
    33: 'RaisedSignal',  # FAIL_SIGNAL
    35: 'Cleaning',  # WAIT_CLEANING
    36: 'Prolog',  # WAIT_PROLOG
    37: 'QOSNotAllowed',  # WAIT_QOS
    38: 'AccountNotAllowed',  # WAIT_ACCOUNT
    39: 'DependencyNeverSatisfied',  # WAIT_DEP_INVALID
    40: 'QOSGrpCpuLimit',  # WAIT_QOS_GRP_CPU
    41: 'QOSGrpCPUMinutesLimit',  # WAIT_QOS_GRP_CPU_MIN
    42: 'QOSGrpCPURunMinutesLimit',  # WAIT_QOS_GRP_CPU_RUN_MIN
    43: 'QOSGrpJobsLimit',  # WAIT_QOS_GRP_JOB
    44: 'QOSGrpMemLimit',  # WAIT_QOS_GRP_MEM
    45: 'QOSGrpNodeLimit',  # WAIT_QOS_GRP_NODE
    46: 'QOSGrpSubmitJobsLimit',  # WAIT_QOS_GRP_SUB_JOB
    47: 'QOSGrpWallLimit',  # WAIT_QOS_GRP_WALL
    48: 'QOSMaxCpuPerJobLimit',  # WAIT_QOS_MAX_CPU_PER_JOB
    49: 'QOSMaxCpuMinutesPerJobLimit',  # WAIT_QOS_MAX_CPU_MINS_PER_JOB
    50: 'QOSMaxNodePerJobLimit',  # WAIT_QOS_MAX_NODE_PER_JOB
    51: 'QOSMaxWallDurationPerJobLimit',  # WAIT_QOS_MAX_WALL_PER_JOB
    52: 'QOSMaxCpuPerUserLimit',  # WAIT_QOS_MAX_CPU_PER_USER
    53: 'QOSMaxJobsPerUserLimit',  # WAIT_QOS_MAX_JOB_PER_USER
    54: 'QOSMaxNodePerUserLimit',  # WAIT_QOS_MAX_NODE_PER_USER
    55: 'QOSMaxSubmitJobPerUserLimit',  # WAIT_QOS_MAX_SUB_JOB
    56: 'QOSMinCpuNotSatisfied',  # WAIT_QOS_MIN_CPU
    57: 'AssocGrpCpuLimit',  # WAIT_ASSOC_GRP_CPU
    58: 'AssocGrpCPUMinutesLimit',  # WAIT_ASSOC_GRP_CPU_MIN
    59: 'AssocGrpCPURunMinutesLimit',  # WAIT_ASSOC_GRP_CPU_RUN_MIN
    60: 'AssocGrpJobsLimit',  # WAIT_ASSOC_GRP_JOB
    61: 'AssocGrpMemLimit',  # WAIT_ASSOC_GRP_MEM
    62: 'AssocGrpNodeLimit',  # WAIT_ASSOC_GRP_NODE
    63: 'AssocGrpSubmitJobsLimit',  # WAIT_ASSOC_GRP_SUB_JOB
    64: 'AssocGrpWallLimit',  # WAIT_ASSOC_GRP_WALL
    65: 'AssocMaxJobsLimit',  # WAIT_ASSOC_MAX_JOBS
    66: 'AssocMaxCpuPerJobLimit',  # WAIT_ASSOC_MAX_CPU_PER_JOB
    67: 'AssocMaxCpuMinutesPerJobLimit',  # WAIT_ASSOC_MAX_CPU_MINS_PER_JOB
    68: 'AssocMaxNodePerJobLimit',  # WAIT_ASSOC_MAX_NODE_PER_JOB
    69: 'AssocMaxWallDurationPerJobLimit',  # WAIT_ASSOC_MAX_WALL_PER_JOB
    70: 'AssocMaxSubmitJobLimit',  # WAIT_ASSOC_MAX_SUB_JOB
    71: 'JobHoldMaxRequeue',  # WAIT_MAX_REQUEUE
    72: 'JobArrayTaskLimit',  # WAIT_ARRAY_TASK_LIMIT
    73: 'BurstBufferResources',  # WAIT_BURST_BUFFER_RESOURCE
    74: 'BurstBufferStageIn',  # WAIT_BURST_BUFFER_STAGING
    75: 'BurstBufferOperation',  # FAIL_BURST_BUFFER_OP
    78: 'AssocGrpUnknown',  # WAIT_ASSOC_GRP_UNK
    79: 'AssocGrpUnknownMinutes',  # WAIT_ASSOC_GRP_UNK_MIN
    80: 'AssocGrpUnknownRunMinutes',  # WAIT_ASSOC_GRP_UNK_RUN_MIN
    81: 'AssocMaxUnknownPerJob',  # WAIT_ASSOC_MAX_UNK_PER_JOB
    82: 'AssocMaxUnknownPerNode',  # WAIT_ASSOC_MAX_UNK_PER_NODE
    83: 'AssocMaxUnknownMinutesPerJob',  # WAIT_ASSOC_MAX_UNK_MINS_PER_JOB
    84: 'AssocMaxCpuPerNode',  # WAIT_ASSOC_MAX_CPU_PER_NODE
    85: 'AssocGrpMemMinutes',  # WAIT_ASSOC_GRP_MEM_MIN
    86: 'AssocGrpMemRunMinutes',  # WAIT_ASSOC_GRP_MEM_RUN_MIN
    87: 'AssocMaxMemPerJob',  # WAIT_ASSOC_MAX_MEM_PER_JOB
    88: 'AssocMaxMemPerNode',  # WAIT_ASSOC_MAX_MEM_PER_NODE
    89: 'AssocMaxMemMinutesPerJob',  # WAIT_ASSOC_MAX_MEM_MINS_PER_JOB
    90: 'AssocGrpNodeMinutes',  # WAIT_ASSOC_GRP_NODE_MIN
    91: 'AssocGrpNodeRunMinutes',  # WAIT_ASSOC_GRP_NODE_RUN_MIN
    92: 'AssocMaxNodeMinutesPerJob',  # WAIT_ASSOC_MAX_NODE_MINS_PER_JOB
    93: 'AssocGrpEnergy',  # WAIT_ASSOC_GRP_ENERGY
    94: 'AssocGrpEnergyMinutes',  # WAIT_ASSOC_GRP_ENERGY_MIN
    95: 'AssocGrpEnergyRunMinutes',  # WAIT_ASSOC_GRP_ENERGY_RUN_MIN
    96: 'AssocMaxEnergyPerJob',  # WAIT_ASSOC_MAX_ENERGY_PER_JOB
    97: 'AssocMaxEnergyPerNode',  # WAIT_ASSOC_MAX_ENERGY_PER_NODE
    98: 'AssocMaxEnergyMinutesPerJob',  # WAIT_ASSOC_MAX_ENERGY_MINS_PER_JOB
    99: 'AssocGrpGRES',  # WAIT_ASSOC_GRP_GRES
    100: 'AssocGrpGRESMinutes',  # WAIT_ASSOC_GRP_GRES_MIN
    101: 'AssocGrpGRESRunMinutes',  # WAIT_ASSOC_GRP_GRES_RUN_MIN
    102: 'AssocMaxGRESPerJob',  # WAIT_ASSOC_MAX_GRES_PER_JOB
    103: 'AssocMaxGRESPerNode',  # WAIT_ASSOC_MAX_GRES_PER_NODE
    104: 'AssocMaxGRESMinutesPerJob',  # WAIT_ASSOC_MAX_GRES_MINS_PER_JOB
    105: 'AssocGrpLicense',  # WAIT_ASSOC_GRP_LIC
    106: 'AssocGrpLicenseMinutes',  # WAIT_ASSOC_GRP_LIC_MIN
    107: 'AssocGrpLicenseRunMinutes',  # WAIT_ASSOC_GRP_LIC_RUN_MIN
    108: 'AssocMaxLicensePerJob',  # WAIT_ASSOC_MAX_LIC_PER_JOB
    109: 'AssocMaxLicenseMinutesPerJob',  # WAIT_ASSOC_MAX_LIC_MINS_PER_JOB
    110: 'AssocGrpBB',  # WAIT_ASSOC_GRP_BB
    111: 'AssocGrpBBMinutes',  # WAIT_ASSOC_GRP_BB_MIN
    112: 'AssocGrpBBRunMinutes',  # WAIT_ASSOC_GRP_BB_RUN_MIN
    113: 'AssocMaxBBPerJob',  # WAIT_ASSOC_MAX_BB_PER_JOB
    114: 'AssocMaxBBPerNode',  # WAIT_ASSOC_MAX_BB_PER_NODE
    115: 'AssocMaxBBMinutesPerJob',  # WAIT_ASSOC_MAX_BB_MINS_PER_JOB
    116: 'QOSGrpUnknown',  # WAIT_QOS_GRP_UNK
    117: 'QOSGrpUnknownMinutes',  # WAIT_QOS_GRP_UNK_MIN
    118: 'QOSGrpUnknownRunMinutes',  # WAIT_QOS_GRP_UNK_RUN_MIN
    119: 'QOSMaxUnknownPerJob',  # WAIT_QOS_MAX_UNK_PER_JOB
    120: 'QOSMaxUnknownPerNode',  # WAIT_QOS_MAX_UNK_PER_NODE
    121: 'QOSMaxUnknownPerUser',  # WAIT_QOS_MAX_UNK_PER_USER
    122: 'QOSMaxUnknownMinutesPerJob',  # WAIT_QOS_MAX_UNK_MINS_PER_JOB
    123: 'QOSMinUnknown',  # WAIT_QOS_MIN_UNK
    124: 'QOSMaxCpuPerNode',  # WAIT_QOS_MAX_CPU_PER_NODE
    125: 'QOSGrpMemoryMinutes',  # WAIT_QOS_GRP_MEM_MIN
    126: 'QOSGrpMemoryRunMinutes',  # WAIT_QOS_GRP_MEM_RUN_MIN
    127: 'QOSMaxMemoryMinutesPerJob',  # WAIT_QOS_MAX_MEM_MINS_PER_JOB
    128: 'QOSMaxMemoryPerJob',  # WAIT_QOS_MAX_MEM_PER_JOB
    129: 'QOSMaxMemoryPerNode',  # WAIT_QOS_MAX_MEM_PER_NODE
    130: 'QOSMaxMemoryPerUser',  # WAIT_QOS_MAX_MEM_PER_USER
    131: 'QOSMinMemory',  # WAIT_QOS_MIN_MEM
    132: 'QOSGrpEnergy',  # WAIT_QOS_GRP_ENERGY
    133: 'QOSGrpEnergyMinutes',  # WAIT_QOS_GRP_ENERGY_MIN
    134: 'QOSGrpEnergyRunMinutes',  # WAIT_QOS_GRP_ENERGY_RUN_MIN
    135: 'QOSMaxEnergyPerJob',  # WAIT_QOS_MAX_ENERGY_PER_JOB
    136: 'QOSMaxEnergyPerNode',  # WAIT_QOS_MAX_ENERGY_PER_NODE
    137: 'QOSMaxEnergyPerUser',  # WAIT_QOS_MAX_ENERGY_PER_USER
    138: 'QOSMaxEnergyMinutesPerJob',  # WAIT_QOS_MAX_ENERGY_MINS_PER_JOB
    139: 'QOSMinEnergy',  # WAIT_QOS_MIN_ENERGY
    140: 'QOSGrpNodeMinutes',  # WAIT_QOS_GRP_NODE_MIN
    141: 'QOSGrpNodeRunMinutes',  # WAIT_QOS_GRP_NODE_RUN_MIN
    142: 'QOSMaxNodeMinutesPerJob',  # WAIT_QOS_MAX_NODE_MINS_PER_JOB
    143: 'QOSMinNode',  # WAIT_QOS_MIN_NODE
    144: 'QOSGrpGRES',  # WAIT_QOS_GRP_GRES
    145: 'QOSGrpGRESMinutes',  # WAIT_QOS_GRP_GRES_MIN
    146: 'QOSGrpGRESRunMinutes',  # WAIT_QOS_GRP_GRES_RUN_MIN
    147: 'QOSMaxGRESPerJob',  # WAIT_QOS_MAX_GRES_PER_JOB
    148: 'QOSMaxGRESPerNode',  # WAIT_QOS_MAX_GRES_PER_NODE
    149: 'QOSMaxGRESPerUser',  # WAIT_QOS_MAX_GRES_PER_USER
    150: 'QOSMaxGRESMinutesPerJob',  # WAIT_QOS_MAX_GRES_MINS_PER_JOB
    151: 'QOSMinGRES',  # WAIT_QOS_MIN_GRES
    152: 'QOSGrpLicense',  # WAIT_QOS_GRP_LIC
    153: 'QOSGrpLicenseMinutes',  # WAIT_QOS_GRP_LIC_MIN
    154: 'QOSGrpLicenseRunMinutes',  # WAIT_QOS_GRP_LIC_RUN_MIN
    155: 'QOSMaxLicensePerJob',  # WAIT_QOS_MAX_LIC_PER_JOB
    156: 'QOSMaxLicensePerUser',  # WAIT_QOS_MAX_LIC_PER_USER
    157: 'QOSMaxLicenseMinutesPerJob',  # WAIT_QOS_MAX_LIC_MINS_PER_JOB
    158: 'QOSMinLicense',  # WAIT_QOS_MIN_LIC
    159: 'QOSGrpBB',  # WAIT_QOS_GRP_BB
    160: 'QOSGrpBBMinutes',  # WAIT_QOS_GRP_BB_MIN
    161: 'QOSGrpBBRunMinutes',  # WAIT_QOS_GRP_BB_RUN_MIN
    162: 'QOSMaxBBPerJob',  # WAIT_QOS_MAX_BB_PER_JOB
    163: 'QOSMaxBBPerNode',  # WAIT_QOS_MAX_BB_PER_NODE
    164: 'QOSMaxBBPerUser',  # WAIT_QOS_MAX_BB_PER_USER
    165: 'AssocMaxBBMinutesPerJob',  # WAIT_QOS_MAX_BB_MINS_PER_JOB
    166: 'QOSMinBB',  # WAIT_QOS_MIN_BB
    167: 'DeadLine',  # FAIL_DEADLINE
    168: 'MaxBBPerAccount',  # WAIT_QOS_MAX_BB_PER_ACCT
    169: 'MaxCpuPerAccount',  # WAIT_QOS_MAX_CPU_PER_ACCT
    170: 'MaxEnergyPerAccount',  # WAIT_QOS_MAX_ENERGY_PER_ACCT
    171: 'MaxGRESPerAccount',  # WAIT_QOS_MAX_GRES_PER_ACCT
    172: 'MaxNodePerAccount',  # WAIT_QOS_MAX_NODE_PER_ACCT
    173: 'MaxLicensePerAccount',  # WAIT_QOS_MAX_LIC_PER_ACCT
    174: 'MaxMemoryPerAccount',  # WAIT_QOS_MAX_MEM_PER_ACCT
    175: 'MaxUnknownPerAccount',  # WAIT_QOS_MAX_UNK_PER_ACCT
    176: 'MaxJobsPerAccount',  # WAIT_QOS_MAX_JOB_PER_ACCT
    177: 'MaxSubmitJobsPerAccount',  # WAIT_QOS_MAX_SUB_JOB_PER_ACCT
    178: 'PartitionConfig',  # WAIT_PART_CONFIG
    179: 'AccountingPolicy',  # WAIT_ACCOUNT_POLICY
    180: 'FedJobLock',  # WAIT_FED_JOB_LOCK
    181: 'OutOfMemory',  # FAIL_OOM
    182: 'MaxMemPerLimit',  # WAIT_PN_MEM_LIMIT
    183: 'AssocGrpBilling',  # WAIT_ASSOC_GRP_BILLING
    184: 'AssocGrpBillingMinutes',  # WAIT_ASSOC_GRP_BILLING_MIN
    185: 'AssocGrpBillingRunMinutes',  # WAIT_ASSOC_GRP_BILLING_RUN_MIN
    186: 'AssocMaxBillingPerJob',  # WAIT_ASSOC_MAX_BILLING_PER_JOB
    187: 'AssocMaxBillingPerNode',  # WAIT_ASSOC_MAX_BILLING_PER_NODE
    188: 'AssocMaxBillingMinutesPerJob',  # WAIT_ASSOC_MAX_BILLING_MINS_PER_JOB
    189: 'QOSGrpBilling',  # WAIT_QOS_GRP_BILLING
    190: 'QOSGrpBillingMinutes',  # WAIT_QOS_GRP_BILLING_MIN
    191: 'QOSGrpBillingRunMinutes',  # WAIT_QOS_GRP_BILLING_RUN_MIN
    192: 'QOSMaxBillingPerJob',  # WAIT_QOS_MAX_BILLING_PER_JOB
    193: 'QOSMaxBillingPerNode',  # WAIT_QOS_MAX_BILLING_PER_NODE
    194: 'QOSMaxBillingPerUser',  # WAIT_QOS_MAX_BILLING_PER_USER
    195: 'QOSMaxBillingMinutesPerJob',  # WAIT_QOS_MAX_BILLING_MINS_PER_JOB
    196: 'MaxBillingPerAccount',  # WAIT_QOS_MAX_BILLING_PER_ACCT
    197: 'QOSMinBilling',  # WAIT_QOS_MIN_BILLING
    198: 'ReservationDeleted',  # WAIT_RESV_DELETED
    199: 'ReservationInvalid',  # WAIT_RESV_INVALID
    200: 'Constraints',  # FAIL_CONSTRAINTS
    201: 'MaxBBRunMinsPerAccount',  # WAIT_QOS_MAX_BB_RUN_MINS_PER_ACCT
    202: 'MaxBillingRunMinsPerAccount',  # WAIT_QOS_MAX_BILLING_RUN_MINS_PER_ACCT
    203: 'MaxCpuRunMinsPerAccount',  # WAIT_QOS_MAX_CPU_RUN_MINS_PER_ACCT
    204: 'MaxEnergyRunMinsPerAccount',  # WAIT_QOS_MAX_ENERGY_RUN_MINS_PER_ACCT
    205: 'MaxGRESRunMinsPerAccount',  # WAIT_QOS_MAX_GRES_RUN_MINS_PER_ACCT
    206: 'MaxNodeRunMinsPerAccount',  # WAIT_QOS_MAX_NODE_RUN_MINS_PER_ACCT
    207: 'MaxLicenseRunMinsPerAccount',  # WAIT_QOS_MAX_LIC_RUN_MINS_PER_ACCT
    208: 'MaxMemoryRunMinsPerAccount',  # WAIT_QOS_MAX_MEM_RUN_MINS_PER_ACCT
    209: 'MaxUnknownRunMinsPerAccount',  # WAIT_QOS_MAX_UNK_RUN_MINS_PER_ACCT
    210: 'MaxBBRunMinsPerUser',  # WAIT_QOS_MAX_BB_RUN_MINS_PER_USER
    211: 'MaxBillingRunMinsPerUser',  # WAIT_QOS_MAX_BILLING_RUN_MINS_PER_USER
    212: 'MaxCpuRunMinsPerUser',  # WAIT_QOS_MAX_CPU_RUN_MINS_PER_USER
    213: 'MaxEnergyRunMinsPerUser',  # WAIT_QOS_MAX_ENERGY_RUN_MINS_PER_USER
    214: 'MaxGRESRunMinsPerUser',  # WAIT_QOS_MAX_GRES_RUN_MINS_PER_USER
    215: 'MaxNodeRunMinsPerUser',  # WAIT_QOS_MAX_NODE_RUN_MINS_PER_USER
    216: 'MaxLicenseRunMinsPerUser',  # WAIT_QOS_MAX_LIC_RUN_MINS_PER_USER
    217: 'MaxMemoryRunMinsPerUser',  # WAIT_QOS_MAX_MEM_RUN_MINS_PER_USER
    218: 'MaxUnknownRunMinsPerUser',  # WAIT_QOS_MAX_UNK_RUN_MINS_PER_USER
    219: 'MaxPoweredUpNodes',  # WAIT_MAX_POWERED_NODES
    220: 'MpiPortsBusy',  # WAIT_MPI_PORTS_BUSY
}
