"""The conversion rules of Slurm's data_parser: the functions the version
modules (v0040.py, v0041.py, ...) name in their tables, one rule each, named
as the Slurm parser whose behaviour it follows (``dump_job_res_nodes`` is
``_dump_job_res_nodes()`` of parsers.c), plus the small builders of kinds
the tables share (``scalar``, ``complex_kind``, ``response``...).

Version modules are data and import these; a rule that changes in a newer
Slurm gets a new function here, named for what it does, and the newer
version's ``ReplaceKind``/``ReplaceField`` names it.

Dump functions take (value, services) or, for complex and special kinds,
(value, services, get); parse functions (data, ctx, path), or (data, ctx,
path, out) for complex kinds that write several members.
"""
from __future__ import annotations

import math
import re
import sys
from typing import Any, Callable, Optional

from restd.data_parser import lookups
from restd.data_parser.describe import Field as F, Object
from restd.data_parser.types import (
    C_INT_RANGES, CORE_SPEC_THREAD, ESLURM_DATA_EXPECTED_LIST, INFINITE, INFINITE16,
    INFINITE64, INT64, MEM_PER_CPU, NICE_OFFSET, NO_VAL, NO_VAL16, NO_VAL64,
    SLURM_MAX_NORMAL_STEP_ID, Alias, FlagBit, Flags, Invalid, NoVal, PerVersion, Pointer,
    Record, Scalar, Special, dump_warning,
    expand_hostlist, fit, json_type_name, text, to_bool, to_float, to_int, to_text)

# --- kinds the rules read with fixed meaning (the versions publish them too) -----------

# UINT64_NO_VAL: memory sizes and limits given as numbers or {set, infinite, number}
UINT64_NO_VAL = NoVal("UINT64_NO_VAL", "uint64_no_val", "uint64_t", NO_VAL64, INFINITE64)
UINT16_NO_VAL = NoVal("UINT16_NO_VAL", "uint16_no_val", "uint16_t", NO_VAL16, INFINITE16)

# STEP_NAMES: the names of the special step ids (slurm.h SLURM_*_STEP...)
STEP_NAMES = Flags("STEP_NAMES", "step_names", "uint32_t", (
    FlagBit("TBD", "equal", "SLURM_PENDING_STEP", 0xfffffffd, "INFINITE", 0xffffffff),
    FlagBit("extern", "equal", "SLURM_EXTERN_CONT", 0xfffffffc, "INFINITE", 0xffffffff),
    FlagBit("batch", "equal", "SLURM_BATCH_SCRIPT", 0xfffffffb, "INFINITE", 0xffffffff),
    FlagBit("interactive", "equal", "SLURM_INTERACTIVE_STEP", 0xfffffffa, "INFINITE", 0xffffffff),
))


# --- the controller (slurmctld) objects' rules: scalar conversions ------------------


def int_in(c_type: str):
    """PARSE(UINT16/UINT32/UINT64/INT32/INT64): null is 0; a number (or a
    numeric string) is stored when ``c_type`` holds it and refused otherwise
    (Slurm stores it through the C assignment: uint16_t truncates, uint32_t
    turns -1 or anything beyond 32 bits into NO_VAL). An "inf" string is the
    type's INFINITE (its maximum if signed)."""
    low, high = C_INT_RANGES[c_type]

    def parse(data, ctx, path):
        number = to_int(data, ctx, path)
        if number is None:
            return 0
        if isinstance(number, float):  # infinity
            return high if number > 0 or low == 0 else low
        return fit(number, c_type, data)
    return parse


def read_only(what: str):
    def parse(data, ctx, path):
        raise Invalid(f"Parsing {what} is not supported")
    return parse


def dump_int(value, services):
    return int(value or 0)


def dump_uint64(value, services):
    # DUMP(UINT64): never dumps INFINITE64 or NO_VAL64 as a number.
    value = int(value or 0)
    return None if value in (NO_VAL64, INFINITE64) else value


def dump_str(value, services):
    return text(value)


def parse_str(data, ctx, path):
    return to_text(data, ctx, path)


def dump_bool(value, services):
    return bool(value)


def parse_bool(data, ctx, path):
    try:
        return int(to_bool(data, ctx, path))
    except Invalid:
        raise Invalid(f"Expected boolean but got {json_type_name(data)}") from None


def dump_bool16_no_val(value, services):
    return False if value == NO_VAL16 else bool(value)


def dump_float(value, services):
    """A double as a JSON number. JSON has no infinity: slurmctld reports an
    association without usage at a fair-share level of +inf (shares / 0), which
    slurmrestd writes as the token Infinity (invalid JSON, refused by strict clients)
    and orjson as null (not a number, against the schema): restd writes the largest
    double instead (DBL_MAX, with the sign), and 0 for NaN."""
    number = float(value or 0.0)
    if math.isfinite(number):
        return number
    if math.isnan(number):
        return 0.0
    return math.copysign(sys.float_info.max, number)


def parse_float(data, ctx, path):
    number = to_float(data, ctx, path)
    return 0.0 if number is None else number


def dump_user(value, services):
    return services.user_name(int(value or 0)) or ""


def dump_group(value, services):
    return services.group_name(int(value or 0)) or ""


def parse_id(kind: str):
    def parse(data, ctx, path):
        if isinstance(data, bool) or data is None or isinstance(data, (dict, list)):
            raise Invalid(f"Invalid {kind} field value type: {json_type_name(data)}")
        if isinstance(data, (int, float)):
            number = to_int(data, ctx, path)
            if isinstance(number, float):  # infinity
                raise Invalid(f"Invalid {kind} ID: {data}")
        else:
            services = ctx.services
            data = to_text(data, ctx, path)  # a NUL would end the name in C
            number = (services.user_id if kind == "user" else services.group_id)(data)
            if number is None:
                raise Invalid(f"Unable to resolve {kind}: {data}")
        if not 0 <= number < 0x7FFFFFFF:
            raise Invalid(f"Invalid {kind} ID: {number}")
        return number
    return parse


def dump_reason(value, services):
    return services.job_reason(int(value or 0))


parse_reason = read_only("a job state reason")


def dump_nice(value, services):
    value = int(value or 0)
    return 0 if value in (NO_VAL, NICE_OFFSET) else value - NICE_OFFSET


def parse_nice(data, ctx, path):
    number = to_int(data, ctx, path)
    number = 0 if number is None else number
    if isinstance(number, float) or abs(number) > NICE_OFFSET - 3:
        raise Invalid("Nice value not within +/- 2147483645")
    return number + NICE_OFFSET


def dump_core_spec(value, services):
    value = int(value or 0)
    return 0 if value & CORE_SPEC_THREAD else value


def dump_thread_spec(value, services):
    value = int(value or 0)
    return value & ~CORE_SPEC_THREAD if value & CORE_SPEC_THREAD else 0


def parse_spec(thread: bool):
    what = "thread" if thread else "core"

    def parse(data, ctx, path):
        number = to_int(data, ctx, path) if data is not None else None
        if number is None or isinstance(number, float):
            raise Invalid(f"Expected integer for {what} specification but got "
                          f"{json_type_name(data)}")
        if number >= CORE_SPEC_THREAD:
            raise Invalid(f"Invalid {what} specification {number} >= {CORE_SPEC_THREAD}")
        if number <= 0:
            raise Invalid(f"Invalid {what} specification {number} <= 0")
        return number | CORE_SPEC_THREAD if thread else number
    return parse


def dump_hold(value, services):
    return int(value or 0) == 0


def parse_hold(data, ctx, path):
    # PARSE(HOLD) writes priority: 0 holds, INFINITE releases; null changes nothing.
    if data is None:
        return None
    return 0 if to_bool(data, ctx, path) else INFINITE


def dump_error(value, services):
    return services.strerror(int(value or 0))


def parse_error_name(data, ctx, path):
    raise Invalid("Parsing an error name is not supported")


def dump_step_id(value, services):
    value = int(value or 0)
    if value > SLURM_MAX_NORMAL_STEP_ID:
        names = STEP_NAMES.dump_value(value)
        if len(names) != 1:
            raise ValueError(f"unknown step id {value:#x}")
        return names[0]
    return str(value)


def parse_step_id(data, ctx, path):
    if isinstance(data, str) and not data.strip().lstrip("+-").isdecimal():
        for bit in STEP_NAMES.bits:
            if bit.name.lower() == data.strip().lower():
                return bit.value
        raise Invalid(f"Unknown step name \"{data}\"")
    number = to_int(data, ctx, path)
    if number is None or isinstance(number, float) or number < 0 or \
            number > SLURM_MAX_NORMAL_STEP_ID:
        raise Invalid(f"Invalid step id {data!r}")
    return number


def dump_signal(value, services):
    value = int(value or 0)
    return "" if value == NO_VAL16 else services.signal_name(value)


def parse_signal(data, ctx, path):
    if isinstance(data, (int, float)) and not isinstance(data, bool):
        number = to_int(data, ctx, path)
        if isinstance(number, float):  # infinity
            raise Invalid(f"Invalid signal number {data}")
        return fit(number, "uint16_t", data)
    string = to_text(data, ctx, path)
    if not string:
        return NO_VAL16
    if string.strip().isdecimal():
        return fit(int(string), "uint16_t", string)
    number = ctx.services.signal_number(string)
    if not number:
        raise Invalid(f"Unknown signal {string}")
    return number


def dump_allocated_cores(value, services):
    # slurm_conf.select_type_param & (CR_CORE | CR_SOCKET)
    return int(value or 0) if services.select_type_param() & (0x4 | 0x2) else 0


def dump_allocated_cpus(value, services):
    # slurm_conf.select_type_param & CR_CPU
    return int(value or 0) if services.select_type_param() & 0x1 else 0


def dump_task_distribution(value, services):
    return services.task_distribution_name(int(value or 0))


def parse_task_distribution(data, ctx, path):
    string = to_text(data, ctx, path)
    if string is None:
        return None
    try:
        return ctx.services.task_distribution(string)
    except ValueError:
        raise Invalid(f"Invalid distribution: {string}") from None


# --- memory: the MEM_PER_CPU bit of pn_min_memory -----------------------------------

def mem_per_node_out(value, services):
    value = int(value or 0)
    return NO_VAL64 if value & MEM_PER_CPU else value


def mem_per_cpu_out(value, services):
    value = int(value or 0)
    return value & ~MEM_PER_CPU if value & MEM_PER_CPU else NO_VAL64


MEM_UNITS = {"": 1, "m": 1, "g": 1024, "t": 1024 ** 2, "p": 1024 ** 3}  # to MiB


def parse_mem(per_cpu: bool):
    def parse(data, ctx, path):
        if data is None:
            return NO_VAL64
        if isinstance(data, str) and data.strip().lower() not in \
                ("inf", "+inf", "infinity", "+infinity", "-inf", "-infinity"):
            match = re.fullmatch(r"\s*(\d+)\s*([kKmMgGtTpP]?)[bB]?\s*", data)
            if not match:
                raise Invalid(f"Invalid formatted memory size: {data}")
            unit = match.group(2).lower()
            mem = int(match.group(1))
            mem = mem // 1024 if unit == "k" else mem * MEM_UNITS[unit]
        else:
            mem = UINT64_NO_VAL.parse_value(data, ctx, path)
        if mem == NO_VAL64:
            return NO_VAL64
        if mem == INFINITE64:
            return 0  # 0 acts as infinity
        if mem >= MEM_PER_CPU:
            raise Invalid(f"Memory value {mem} equal or larger than {MEM_PER_CPU}")
        return MEM_PER_CPU | mem if per_cpu else mem
    return parse


# --- timestamps, exit codes -----------------------------------------------------------

TIME_UNITS = {"": 1, "s": 1, "sec": 1, "second": 1, "seconds": 1, "m": 60, "min": 60,
               "minute": 60, "minutes": 60, "h": 3600, "hour": 3600, "hours": 3600,
               "d": 86400, "day": 86400, "days": 86400, "w": 604800, "week": 604800,
               "weeks": 604800}


def parse_time_string(string: str) -> int:
    """Slurm's parse_time() for the common forms: now[+-N[unit]], today,
    tomorrow, midnight, noon, HH:MM[:SS], YYYY-MM-DD[THH:MM[:SS]], a number
    of seconds since the epoch. 0 when not understood (as parse_time())."""
    import datetime
    import time as _time
    text_ = string.strip().lower()
    now = int(_time.time())
    if text_.isdecimal():
        return int(text_)
    match = re.fullmatch(r"now(?:\s*([+-])\s*(\d+)\s*([a-z]*))?", text_)
    if match:
        if not match.group(1):
            return now
        unit = TIME_UNITS.get(match.group(3))
        if unit is None:
            return 0
        offset = int(match.group(2)) * unit
        return now + offset if match.group(1) == "+" else now - offset
    today = datetime.datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
    named = {"today": today, "midnight": today + datetime.timedelta(days=1),
             "tomorrow": today + datetime.timedelta(days=1),
             "noon": today.replace(hour=12)}
    if text_ in named:
        moment = named[text_]
        if text_ == "noon" and moment.timestamp() < now:
            moment += datetime.timedelta(days=1)
        return int(moment.timestamp())
    for form in ("%Y-%m-%dt%H:%M:%S", "%Y-%m-%dt%H:%M", "%Y-%m-%d"):
        try:
            return int(datetime.datetime.strptime(text_, form).timestamp())
        except ValueError:
            pass
    for form in ("%H:%M:%S", "%H:%M"):
        try:
            clock = datetime.datetime.strptime(text_, form)
        except ValueError:
            continue
        moment = today.replace(hour=clock.hour, minute=clock.minute, second=clock.second)
        if moment.timestamp() < now:
            moment += datetime.timedelta(days=1)
        return int(moment.timestamp())
    return 0


# A time_t member holds what Slurm's parse_timestamp() stores for an unset or
# infinite time: the uint64_t sentinels cast to time_t (-2 and -1).
TIME_T_NO_VAL = NO_VAL64 - (1 << 64)
TIME_T_INFINITE = INFINITE64 - (1 << 64)


def parse_timestamp_no_val(data, ctx, path):
    """parse_timestamp() into a time_t: null (and NaN/inf floats) is
    (time_t) NO_VAL64, else a number, a time string (parse_time()) or the
    {set, infinite, number} forms, refused when time_t cannot hold it."""
    moment = timestamp(data, ctx, path)
    if moment == NO_VAL64:
        return TIME_T_NO_VAL
    if moment == INFINITE64:
        return TIME_T_INFINITE
    return fit(moment, "time_t", data)


def timestamp(data, ctx, path):
    if isinstance(data, str) and re.fullmatch(r"\s*[+-]?\d+\s*", data, re.ASCII):
        data = int(data)  # Slurm reads a numeric string as the number first
    if data is None:
        return NO_VAL64
    if isinstance(data, float):
        if math.isnan(data) or math.isinf(data):
            return NO_VAL64
        if data != int(data):
            raise Invalid("Conversion of floating point number to 64 bit integer failed")
        return fit(int(data), "time_t", data)
    if isinstance(data, int) and not isinstance(data, bool):
        return fit(data, "time_t")
    if isinstance(data, str):
        if data.strip().lower() in ("inf", "+inf", "infinity", "+infinity", "-inf",
                                    "-infinity"):
            return UINT64_NO_VAL.parse_value(data, ctx, path)
        moment = parse_time_string(data)
        if moment and not C_INT_RANGES["time_t"][0] <= moment <= C_INT_RANGES["time_t"][1]:
            moment = 0
        if not moment:
            raise Invalid(f"Parsing of {data} for timestamp failed")
        return moment
    return UINT64_NO_VAL.parse_value(data, ctx, path)


def parse_timestamp(data, ctx, path):
    moment = parse_timestamp_no_val(data, ctx, path)
    if moment == TIME_T_NO_VAL:
        raise Invalid("Invalid or unset timestamp value")
    return moment


def exit_code_verbose(value, services):
    """DUMP(PROCESS_EXIT_CODE): a wait() status as proc_exit_code_verbose_t."""
    value = int(value or 0)
    status, return_code, sig = 0, NO_VAL, NO_VAL16  # PROC_EXIT_CODE_INVALID
    if value == NO_VAL:
        status = 1  # PENDING
    elif value & 0x7F == 0:  # WIFEXITED
        return_code = (value >> 8) & 0xFF
        status = 3 if return_code else 2  # ERROR / SUCCESS
    elif ((value & 0x7F) + 1) >> 1 > 0 and (value & 0x7F) != 0x7F:  # WIFSIGNALED
        status = 4  # SIGNALED
        sig = value & 0x7F
    elif value & 0x80:  # WCOREDUMP
        status = 5  # CORE_DUMPED
    else:
        return_code = value
    return {"status": status, "return_code": return_code, "signal": sig}


@PerVersion
def parse_exit_code(version):
    """PARSE(PROCESS_EXIT_CODE): a number as UINT32_NO_VAL, else the verbose
    object, of which only return_code is kept."""
    parse_number = version.parser("UINT32_NO_VAL")
    parse_verbose = version.parser("PROCESS_EXIT_CODE_VERBOSE")

    def parse(data, ctx, path):
        if isinstance(data, (int, float, str)) and not isinstance(data, bool):
            try:
                number = to_int(data, ctx, path)
            except Invalid:
                number = None
            if number is not None:
                return parse_number(data, ctx, path)
        verbose = parse_verbose(data, ctx, path)
        return verbose.get("return_code", NO_VAL)
    return parse


# --- job_exclusive: a bool or the exclusive flags -----------------------------------

@PerVersion
def parse_job_exclusive(version):
    parse_flags = version.parser("JOB_EXCLUSIVE_FLAGS")

    def parse(data, ctx, path):
        if data is None:
            return 0x0001  # JOB_SHARED_OK
        if isinstance(data, bool):
            return 0x0000 if data else 0x0001  # JOB_SHARED_NONE / JOB_SHARED_OK
        return parse_flags(data, ctx, path)
    return parse


# --- complex fields of slurm_job_info_t -------------------------------------------------

def job_stdio(stream):
    def dump(job, services, get):
        return services.job_stdio(job, stream, get)
    return dump


def job_stdio_expanded(stream):
    """v0.0.43's JOB_INFO_STD*_EXP: the path the job gave, expanded
    (slurm_expand_job_stdio_fields()); "" when it gave none, except stdout,
    which slurmctld 25.05 sets to slurm-%j.out for a batch job: its expansion
    is what slurm_get_job_stdout() gives where slurmctld leaves it unset."""
    member = {"stdin": "std_in", "stdout": "std_out", "stderr": "std_err"}[stream]

    def dump(job, services, get):
        if stream != "stdout" and not text(get(job, member)):
            return ""
        return services.job_stdio(job, stream, get)
    return dump


# print_sluid(): "s" and 13 characters of Crockford's base32, most significant first
_SLUID_DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def sluid_text(sluid: int) -> str:
    """DUMP(SLUID): "" for 0 (unset), else print_sluid() (src/common/sluid.c)."""
    sluid = int(sluid or 0)
    if not sluid:
        return ""
    return "s" + "".join(_SLUID_DIGITS[(sluid >> (5 * i)) & 0x1F] for i in range(12, -1, -1))


def dump_sluid(value, services):
    return sluid_text(value)


def dump_job_step_id(job, services, get):
    """v0.0.44's JOB_INFO step_id (SLURM_STEP_ID of slurm_job_info_t.step_id): the
    job's SLUID where the struct has one (Slurm 25.11 on), its job id, no het
    component and the step NO_VAL ("entire"), as SLURM_STEP_ID_INITIALIZER
    leaves a job's own step id."""
    sluid = get(job, "sluid") or 0  # the binding reads step_id.sluid (0 before 25.11)
    job_id = int(get(job, "job_id") or 0)
    unset = {"set": False, "infinite": False, "number": 0}
    return {"sluid": sluid_text(sluid),
            "job_id": {"set": True, "infinite": False, "number": job_id}
            if job_id not in (NO_VAL, INFINITE) else dict(unset, infinite=job_id == INFINITE),
            "step_het_component": unset, "step_id": "entire"}


@PerVersion
def parse_job_desc_step_id(version):
    """v0.0.44's JOB_DESC_MSG step_id: its job_id is the job's (the job id a
    job description asks for); the SLUID and step of a job not yet submitted
    are Slurm's to give, and ignored as Slurm ignores them."""
    job_id = version.parser("UINT32_NO_VAL")

    def parse(data, ctx, path, out):
        if not isinstance(data, dict):
            raise Invalid(f"Expected dictionary but got {json_type_name(data)}")
        if "job_id" not in data:
            return
        value = job_id(data["job_id"], ctx, f"{path}job_id/")
        if value is not None and value != NO_VAL:
            out["job_id"] = value
    return parse


# --- v0.0.45's partition sharing (parsers.c PARTITION_EXCLUSIVE, PARTITION_OVERSUBSCRIBE) ---
SHARED_FORCE = 0x8000
PART_FLAG_EXCLUSIVE_USER = 1 << 6
PART_FLAG_EXC_USER_CLR = 1 << 14
PART_FLAG_EXCLUSIVE_TOPO = 1 << 16
PART_FLAG_EXC_TOPO_CLR = 1 << 17


def dump_partition_exclusive(part, services, get):
    """DUMP(PARTITION_EXCLUSIVE): TOPO, NODE (max_share 0), USER or NO, as
    scontrol show partition says Exclusive=."""
    flags = int(get(part, "flags") or 0)
    if flags & PART_FLAG_EXCLUSIVE_TOPO:
        return "TOPO"
    if not int(get(part, "max_share") or 0) & ~SHARED_FORCE:
        return "NODE"
    return "USER" if flags & PART_FLAG_EXCLUSIVE_USER else "NO"


def partition_exclusive(data, ctx, path) -> dict:
    """What Exclusive= sets (parse_partition_exclusive(), scontrol update partition
    Exclusive=): NODE is max_share 0; USER and TOPO set their flag and the other's
    clear flag; NO clears both."""
    value = to_text(data, ctx, path) if not isinstance(data, str) else data
    choice = value.strip().upper()
    if choice == "NODE":
        return {"max_share": 0, "flags": PART_FLAG_EXC_USER_CLR | PART_FLAG_EXC_TOPO_CLR}
    if choice == "USER":
        return {"flags": PART_FLAG_EXCLUSIVE_USER | PART_FLAG_EXC_TOPO_CLR}
    if choice == "TOPO":
        return {"flags": PART_FLAG_EXCLUSIVE_TOPO | PART_FLAG_EXC_USER_CLR}
    if choice == "NO":
        return {"flags": PART_FLAG_EXC_USER_CLR | PART_FLAG_EXC_TOPO_CLR}
    raise Invalid("expected NO, NODE, USER, or TOPO")


def parse_partition_exclusive(data, ctx, path, out):
    """PARSE(PARTITION_EXCLUSIVE) into the partition: its flags added to those
    the flags field gives (either order), max_share set for NODE."""
    if data is None:
        return
    for member, value in partition_exclusive(data, ctx, path).items():
        out[member] = (int(out.get(member) or 0) | value) if member == "flags" else value


def dump_partition_oversubscribe(value, services):
    """DUMP(PARTITION_OVERSUBSCRIBE) of max_share: NO, YES:n or FORCE:n."""
    share = int(value or 0)
    count = share & ~SHARED_FORCE
    if not count or (count == 1 and not share & SHARED_FORCE):
        return "NO"
    return f"FORCE:{count}" if share & SHARED_FORCE else f"YES:{count}"


def parse_partition_oversubscribe(data, ctx, path):
    """PARSE(PARTITION_OVERSUBSCRIBE): NO, YES[:n] (n > 1) or FORCE[:n] (n >= 1)."""
    if data is None:
        return None
    text_value = (data if isinstance(data, str) else to_text(data, ctx, path)).strip()
    word, colon, count = text_value.partition(":")
    word = word.upper()
    if word == "NO" and not colon:
        return 1
    if word not in ("YES", "FORCE"):
        raise Invalid("expected NO, YES[:#], or FORCE[:#]")
    force = SHARED_FORCE if word == "FORCE" else 0
    if not colon:
        return 4 | force
    if not count.isdecimal():
        raise Invalid("invalid job count")
    number = int(count)
    if number > 0x7FFF:
        raise Invalid("count too large")
    if force and number < 1:
        raise Invalid("FORCE count must be >= 1")
    if not force and number <= 1:
        raise Invalid("YES count must be > 1")
    return number | force


def dump_gres_detail(job, services, get):
    details = get(job, "gres_detail_str")
    count = int(get(job, "gres_detail_cnt") or 0)
    if not details:
        return []
    return [text(details[index]) for index in range(count)] \
        if not isinstance(details, (list, tuple)) else [text(d) for d in details[:count]]


def job_res_nodes(job_res, services, get):
    """The allocation of a job_resources_t node by node, as both versions'
    JOB_RES_NODES walk it (log_job_resources()): for each of nhosts nodes,
    (index, name, sockets, cores per socket, [(allocated, in_use)] for each
    of its cores), sockets_per_node/cores_per_socket taken as
    sock_core_rep_count repeats them and core_bitmap/core_bitmap_used read in
    order. Nothing without cores_per_socket or hosts."""
    cores_per_socket = get(job_res, "cores_per_socket")
    nhosts = int(get(job_res, "nhosts") or 0)
    if not cores_per_socket or not nhosts:
        return
    names = expand_hostlist(text(get(job_res, "nodes")))
    sockets_per_node = get(job_res, "sockets_per_node")
    reps = get(job_res, "sock_core_rep_count")
    allocated = services.bits(get(job_res, "core_bitmap"))
    in_use = services.bits(get(job_res, "core_bitmap_used"))
    bit, sock_inx, sock_reps = 0, 0, 0
    for node_inx in range(nhosts):
        if sock_reps >= int(reps[sock_inx]):
            sock_inx += 1
            sock_reps = 0
        sock_reps += 1
        sockets, per_socket = int(sockets_per_node[sock_inx]), int(cores_per_socket[sock_inx])
        cores = [(b in allocated, b in in_use) for b in range(bit, bit + sockets * per_socket)]
        bit += len(cores)
        yield (node_inx, names[node_inx] if node_inx < len(names) else "", sockets,
               per_socket, cores)


def dump_job_res_nodes(job_res, services, get):
    """DUMP(JOB_RES_NODES) of v0.0.40: per allocated node, its cores found in
    core_bitmap ("allocated", or "allocated_and_in_use" when also in
    core_bitmap_used); keys as Slurm writes them."""
    cpus_used = get(job_res, "cpus_used")
    memory_used = get(job_res, "memory_used")
    memory_allocated = get(job_res, "memory_allocated")
    out = []
    for node_inx, name, _, per_socket, cores in job_res_nodes(job_res, services, get):
        sockets: dict = {}
        for index, (allocated, in_use) in enumerate(cores):
            if allocated:
                found = sockets.setdefault(str(index // per_socket), {"cores": {}})["cores"]
                found[str(index % per_socket)] = ("allocated_and_in_use" if in_use
                                                  else "allocated")
        out.append({"sockets": sockets, "nodename": name,
                    "cpus_used": int(cpus_used[node_inx]) if cpus_used else 0,
                    "memory_used": int(memory_used[node_inx]) if memory_used else 0,
                    "memory_allocated": (int(memory_allocated[node_inx])
                                         if memory_allocated else 0)})
    return out


# --- complex fields of job_desc_msg_t: parse(data, ctx, path, out) -------------------

def env_member(member: str, count: str):
    """JOB_DESC_MSG_ENV/SPANK_ENV/ARGV: a string array and its count."""
    def parse(data, ctx, path, out):
        if data is None:
            return
        values = parse_string_array(data, ctx, path)
        out[member] = values
        out[count] = len(values)

    def dump(job, services, get):
        values = get(job, member)
        if not values:
            return []
        size = get(job, count)
        return [text(v) for v in (values if size is None else list(values)[:int(size)])
                if v is not None]
    return parse, dump


def rlimit(name: str):
    """JOB_DESC_MSG_RLIMIT_*: a limit passed to the job as SLURM_RLIMIT_<X>."""
    variable = f"SLURM_RLIMIT_{name.upper()}"

    def parse(data, ctx, path, out):
        limit = UINT64_NO_VAL.parse_value(data, ctx, path)
        if limit == NO_VAL64:
            return
        env = [entry for entry in out.get("environment") or []
               if not entry.startswith(variable + "=")]
        env.append(f"{variable}={limit}")
        out["environment"] = env
        out["env_size"] = len(env)

    def dump(job, services, get):
        for entry in get(job, "environment") or ():
            entry = text(entry)
            if entry.startswith(variable + "="):
                try:
                    return UINT64_NO_VAL.dump_value(int(entry.split("=", 1)[1]))
                except ValueError:
                    break
        return UINT64_NO_VAL.dump_value(NO_VAL64)
    return parse, dump


def parse_job_desc_nodes(data, ctx, path, out):
    """JOB_DESC_MSG_NODES: "min[-max]" (or a Slurm job size list "1,3-5"),
    a number, or [min, max]."""
    if isinstance(data, list):
        if not 1 <= len(data) <= 2:
            raise Invalid("Node count in format of a list must have a cardinality of 2 or 1")
        numbers = [to_int(entry, ctx, path) for entry in data]
        if any(n is None or isinstance(n, float) for n in numbers):
            raise Invalid("Minimum and maximum nodes must be integers")
        numbers = [fit(n, "uint32_t") for n in numbers]
        low, high = (numbers[0], numbers[-1]) if len(numbers) == 2 else (None, numbers[0])
        out["max_nodes"] = high
        if low is not None:
            out["min_nodes"] = low
    else:
        if data is None or isinstance(data, (dict, bool)):
            raise Invalid(f"Expected string instead of {json_type_name(data)} for node counts")
        string = str(data).strip()
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", string)
        if match:
            low = int(match.group(1))
            high = int(match.group(2)) if match.group(2) else low
        else:
            parts = []
            for piece in string.split(","):
                m = re.fullmatch(r"(\d+)(?:-(\d+))?(?::(\d+))?", piece.strip())
                if not m:
                    raise Invalid(f"Unknown format: {string}")
                parts.append((int(m.group(1)), int(m.group(2) or m.group(1))))
            low, high = min(p[0] for p in parts), max(p[1] for p in parts)
            out["job_size_str"] = string
        out["min_nodes"] = fit(low, "uint32_t")
        out["max_nodes"] = fit(high, "uint32_t")
    if out.get("min_nodes") is not None and out.get("max_nodes") is not None and \
            out["min_nodes"] > out["max_nodes"]:
        out["min_nodes"], out["max_nodes"] = out["max_nodes"], out["min_nodes"]


def dump_job_desc_nodes(job, services, get):
    low, high = get(job, "min_nodes"), get(job, "max_nodes")
    if low is None or low == NO_VAL:
        return ""
    if high is None or high in (NO_VAL, 0) or high == low:
        return str(low)
    return f"{low}-{high}"


CPU_FREQ_NAMED = {"low": 0x80000001, "medium": 0x80000002, "high": 0x80000003,
                   "highm1": 0x80000004}
CPU_FREQ_GOVERNORS = {"conservative": 0x88000000, "ondemand": 0x84000000,
                       "performance": 0x82000000, "powersave": 0x81000000,
                       "userspace": 0x80800000, "schedutil": 0x80400000}


def parse_cpu_freq(data, ctx, path, out):
    """JOB_DESC_MSG_CPU_FREQ: cpu_freq_verify_cmdline()'s "[min-]max[:gov]" or
    a governor alone."""
    if data is None:
        out["cpu_freq_min"] = out["cpu_freq_max"] = out["cpu_freq_gov"] = NO_VAL
        return
    string = to_text(data, ctx, path).strip().lower()
    low = high = gov = NO_VAL

    def freq(word):
        if word in CPU_FREQ_NAMED:
            return CPU_FREQ_NAMED[word]
        if word.isdecimal():
            return fit(int(word), "uint32_t", word)
        raise Invalid("Invalid cpu_frequency")
    if string in CPU_FREQ_GOVERNORS:
        gov = CPU_FREQ_GOVERNORS[string]
    else:
        spec, _, governor = string.partition(":")
        if governor:
            if governor not in CPU_FREQ_GOVERNORS:
                raise Invalid("Invalid cpu_frequency")
            gov = CPU_FREQ_GOVERNORS[governor]
        first, _, second = spec.partition("-")
        if second:
            low, high = freq(first), freq(second)
        else:
            high = freq(first)
    out["cpu_freq_min"], out["cpu_freq_max"], out["cpu_freq_gov"] = low, high, gov


def dump_cpu_freq(job, services, get):
    values = [get(job, m) for m in ("cpu_freq_min", "cpu_freq_max", "cpu_freq_gov")]
    names = {v: k for k, v in {**CPU_FREQ_NAMED, **CPU_FREQ_GOVERNORS}.items()}
    low, high, gov = (None if v in (None, NO_VAL, 0) else names.get(v, str(v))
                      for v in values)
    spec = f"{low}-{high}" if low and high else (high or "")
    return f"{spec}:{gov}" if gov and spec else (gov or spec)


def parse_cron_entry(data, ctx, path):
    ctx.warn("crontab submissions are not supported", path)
    return None


def parse_string_array(data, ctx, path):
    if not isinstance(data, (list, tuple)):
        raise Invalid(f"Expected list but got {json_type_name(data)}", ESLURM_DATA_EXPECTED_LIST)
    stem = path[:-1] if path.endswith("/") else path
    values = []
    for index, entry in enumerate(data):
        entry_path = f"{stem}[{index}]/"
        try:
            values.append(to_text(entry, ctx, entry_path))
        except Invalid as error:
            error.path = error.path or entry_path
            raise
    return values


# --- builders of kinds the tables share --------------------------------------------------

def scalar(name, openapi, c_type, dump, parse):
    return Scalar(name, openapi, c_type, dump, parse)


def complex_kind(name, dump, parse=None, *, openapi=None, target=None, component=None,
                 item=None):
    return Special(name, dump, parse, openapi=openapi, target=target,
                   component=component, item=item, complex=True)


# --- nodes, partitions, pings, licenses, diag, reservations, shares, kill -----------

def node_select(what: str, openapi):
    """NODE_SELECT_*: slurm_get_select_nodeinfo() values of a node_info_t."""
    def dump(node, services, get):
        return services.node_select(node, what, get)
    return Special(f"NODE_SELECT_{what.upper()}", dump, openapi=openapi, complex=True)


def dump_ping_mode(value, services):
    """DUMP(CONTROLLER_PING_MODE): the controller's offset in SlurmctldHost."""
    mode = int(value or 0)
    if mode == 0:
        return "primary"
    if mode == 1 and services.controller_count() == 2:
        return "backup"
    return f"backup{mode}"


def dump_ping_result(value, services):
    return "UP" if value else "DOWN"


def stats_ratio(numerator: str, denominator: str):
    """STATS_MSG_*_MEAN: sum / counter, 0 without a counter (integer division)."""
    def dump(stats, services, get):
        count = int(get(stats, denominator) or 0)
        return int(get(stats, numerator) or 0) // count if count else 0
    return dump


def stats_cycles_per_minute(stats, services, get):
    elapsed = int(get(stats, "req_time") or 0) - int(get(stats, "req_time_start") or 0)
    if elapsed >= 60:
        return int(get(stats, "schedule_cycle_counter") or 0) // (elapsed // 60)
    return 0


# schedule_exit_t and bf_exit_t (src/slurmctld/slurmctld.h) index order -> member
SCHEDULE_EXIT = ("end_job_queue", "default_queue_depth", "max_job_start", "licenses",
                  "max_rpc_cnt", "max_sched_time")
BF_EXIT = ("end_job_queue", "bf_max_job_start", "bf_max_job_test", "state_changed",
            "bf_node_space_size", "bf_max_time")


def stats_exit(array: str, count: str, members: tuple, target: str):
    @PerVersion
    def compile_dump(version, get):
        dump_target = version.dumper(target, get)

        def dump(stats, services, get):
            values = get(stats, array) or ()
            size = min(int(get(stats, count) or 0), len(members))
            fields = Record((name, 0) for name in members)
            for index in range(size):
                fields[members[index]] = int(values[index])
            return dump_target(fields)
        return dump
    return compile_dump


def stats_rpcs(kind: str):
    """STATS_MSG_RPCS_BY_TYPE / _BY_USER: parallel arrays as a list of objects."""
    prefix = "rpc_type" if kind == "type" else "rpc_user"

    def dump(stats, services, get):
        size = int(get(stats, f"{prefix}_size") or 0)
        ids, counts, times = (get(stats, f"{prefix}_{part}") for part in ("id", "cnt", "time"))
        out = []
        for index in range(size):
            count, total = int(counts[index]), int(times[index])
            average = total // count if total > 0 and count > 0 else 0
            if kind == "type":
                out.append({"message_type": services.rpc_name(int(ids[index])),
                            "type_id": int(ids[index]), "count": count,
                            "average_time": average, "total_time": total})
            else:
                uid = int(ids[index])
                out.append({"user": services.user_name(uid) or str(uid), "user_id": uid,
                            "count": count, "average_time": average, "total_time": total})
        return out
    return dump


def rpcs_schema(first: tuple[str, tuple], second: tuple[str, tuple]):
    properties = {}
    for name, openapi in (first, second, ("count", INT64), ("average_time", INT64),
                          ("total_time", INT64)):
        properties[name] = {"type": openapi[0]}
        if openapi[1]:
            properties[name]["format"] = openapi[1]
    return {"type": "object", "properties": properties}


@PerVersion
def dump_core_specs(version, get):
    """RESERVATION_INFO_CORE_SPEC: core_spec[core_spec_cnt]."""
    item = version.dumper("RESERVATION_CORE_SPEC", get)

    def dump(resv, services, get):
        specs = get(resv, "core_spec")
        count = int(get(resv, "core_spec_cnt") or 0)
        if not specs or not count:
            return []
        return [item(specs[index]) for index in range(count)]
    return dump


def dump_kill_jobs_array(msg, services, get):
    jobs = get(msg, "jobs_array")
    count = int(get(msg, "jobs_cnt") or 0)
    return [text(jobs[index]) for index in range(count)] if jobs else []


def parse_kill_jobs_array(data, ctx, path, out):
    values = parse_string_array(data, ctx, path)
    out["jobs_array"] = values
    out["jobs_cnt"] = len(values)


@PerVersion
def dump_shares_list(version, get):
    """ASSOC_SHARES_OBJ_LIST: each assoc_shares_object_t of the list, wrapped
    with the response's TRES names (assoc_shares_object_wrap_t)."""
    item = version.dumper("ASSOC_SHARES_OBJ_WRAP", get)

    def dump(resp, services, get):
        shares = get(resp, "assoc_shares_list")
        if shares is None:
            if not services.accounting_storage_enabled():
                dump_warning("Shares list is empty because slurm accounting storage is "
                             "disabled.")
            return []
        common = {"tot_shares": get(resp, "tot_shares"), "tres_cnt": get(resp, "tres_cnt"),
                  "tres_names": get(resp, "tres_names")}
        return [item(Record(obj=share, **common)) for share in shares]
    return dump


def shares_tres(member: str, item: str):
    @PerVersion
    def compile_dump(version, get):
        entry = version.dumper(item, get)

        def dump(wrap, services, get):
            names = get(wrap, "tres_names") or ()
            values = get(wrap, "obj." + member)
            count = int(get(wrap, "tres_cnt") or 0)
            return [entry(Record(name=names[index], value=values[index] if values else 0))
                    for index in range(count)]
        return dump
    return compile_dump


def response(name: str, c_type: str, key: str, kind: str) -> Object:
    """add_openapi_response_single(): one required member plus the envelope."""
    return Object(name, name.lower(), c_type, (
        F(key, kind, "response", required=True),
        F("meta", "OPENAPI_META_PTR", "meta"),
        F("errors", "OPENAPI_ERRORS", "errors"),
        F("warnings", "OPENAPI_WARNINGS", "warnings"),
    ))


SELECTED_STEP_PATTERN = re.compile(
    r"[1-9]\d{0,9}(?:_(?:\d{1,10}|\[\d{1,10}(?:-\d{1,10})?(?:,\d{1,10}(?:-\d{1,10})?)*\]))?"
    r"(?:\+\d{1,10})?(?:\.(?:\d{1,10}|batch|extern|interactive|pending))?", re.ASCII)


def parse_selected_step(data, ctx, path):
    """PARSE(SELECTED_STEP): unfmt_job_id_string()'s "job[_task][+het][.step]" (a
    number is taken as the job), kept as the text the caller names the job by
    (slurm_requeue2() takes it so); anything else is refused."""
    if isinstance(data, int) and not isinstance(data, bool):
        data = str(data)
    if not isinstance(data, str):
        raise Invalid(f"Expected string but got {json_type_name(data)}", 9202)
    value = data.strip()
    if not SELECTED_STEP_PATTERN.fullmatch(value):
        raise Invalid(f"Invalid job id {data!r}: expected job[_task][+het][.step]", 2017)
    return value


def dump_selected_step(step, services, get):
    """DUMP(SELECTED_STEP): fmt_job_id_string(), "job[_task][+het][.step]", or
    "job_[tasks]" for a set of array tasks (its array_bitmap)."""
    if step is None:
        return ""
    job_id = int(get(step, "step_id.job_id"))
    out = str(job_id)
    tasks = get(step, "array_bitmap")
    if tasks:  # a set of array tasks: "job_[0-2,5]", nothing after
        return f"{out}_[{services.bitstr(tasks)}]"
    task = get(step, "array_task_id")
    if task is not None and int(task) != NO_VAL:
        out += f"_{int(task)}"
    het = get(step, "het_job_offset")
    if het is not None and int(het) != NO_VAL:
        out += f"+{int(het)}"
    step_id = get(step, "step_id.step_id")
    if step_id is not None and int(step_id) != NO_VAL:
        out += "." + dump_step_id(step_id, services)
    return out


def dump_bitstr(bits, services, get):
    """DUMP(BITSTR_PTR): bit_fmt()'s ranged string ("0-10,50")."""
    return services.bitstr(bits) if bits is not None else ""


# --- the accounting (slurmdbd) objects' rules ---------------------------------------
# (The database's QOS, TRES and associations come from restd.data_parser.lookups.)
ESLURM_INVALID_QOS = 2066
ESLURM_INVALID_TRES = 2088


# --- conversions (the Slurm parser of the same name) ------------------------------------

def dump_qos_id(value, services, get):
    """DUMP(QOS_ID): the QOS name; "" for none; "Unknown" with a warning."""
    qos_id = int(value or 0)
    if not qos_id or qos_id == INFINITE:
        return ""
    name = lookups.current().qos.get(qos_id)
    if name:
        return name
    dump_warning(f"Unknown QOS with id#{qos_id}. Unable to dump QOS.", "DUMP_FUNC(QOS_ID)")
    return "Unknown"


def resolve_qos(data, path) -> int:
    """resolve_qos(): a QOS given by name, by id (number or numeric string) or
    as an object with "name" or "id"."""
    if isinstance(data, dict):
        data = data.get("name", data.get("id"))
    if isinstance(data, bool) or data is None or isinstance(data, (list, dict)):
        raise Invalid(f"Unable to resolve QOS of type {json_type_name(data)}",
                      ESLURM_INVALID_QOS)
    table = lookups.current()
    if isinstance(data, float) and data.is_integer():
        data = int(data)
    if isinstance(data, int) or (isinstance(data, str) and data.isdecimal()):
        if int(data) in table.qos:
            return int(data)
    else:
        qos_id = table.qos_id(str(data))
        if qos_id is not None:
            return qos_id
    raise Invalid(f"Unable to resolve QOS: {data}", ESLURM_INVALID_QOS)


def parse_qos_id(data, ctx, path):
    """PARSE(QOS_ID): null or "" (what DUMP gives for none) is no QOS:
    INFINITE, as Slurm's resolve_qos() leaves it."""
    if data is None or data == "":
        return INFINITE
    return resolve_qos(data, path)


def dump_qos_string_id_list(value, services, get):
    """DUMP(QOS_STRING_ID_LIST): the ids (strings) of a qos_list as names."""
    if value is None:
        return []
    table = lookups.current().qos
    out = []
    for string_id in value:
        name = table.get(int(string_id)) if str(string_id).isdecimal() else None
        out.append(name if name else str(string_id))
    return out


def parse_qos_string_id_list(data, ctx, path):
    if not isinstance(data, list):
        raise Invalid(f"Expected list but got {json_type_name(data)}")
    return [str(resolve_qos(item, f"{path}[{index}]")) for index, item in enumerate(data)]


def tres_string_items(string: str):
    for part in string.split(","):
        if "=" not in part:
            continue
        tres_id, _, count = part.partition("=")
        try:
            yield int(tres_id), int(count)
        except ValueError:
            continue


def dump_tres_str(value, services, get):
    """DUMP(TRES_STR): "1=2,4=1" as TRES records named from the TRES list. A
    count is the uint64_t slurmdb_tres_rec_t holds, dumped by the INT64 parser:
    NO_VAL64 (an energy never measured: "3=18446744073709551614") is -2, as
    slurmrestd shows it, within the schema's int64."""
    string = text(value)
    if not string:
        return []
    out = []
    for tres_id, count in tres_string_items(string):
        known = lookups.current().tres_by_id(tres_id) or {}
        out.append({"type": known.get("type") or "", "name": known.get("name") or "",
                    "id": tres_id, "count": int64(count)})
    return out


def tres_records(data, path):
    """The records of a TRES list in a request, each with its path ("#/tres[0]/"):
    what both TRES string parsers read."""
    if not isinstance(data, list):
        raise Invalid(f"TRES should be LIST but is type {json_type_name(data)}", 9208)
    stem = path[:-1] if path.endswith("/") else path
    for index, item in enumerate(data):
        item_path = f"{stem}[{index}]/"
        if not isinstance(item, dict):
            raise Invalid(f"Expected dictionary but got {json_type_name(item)}", 9209,
                          path=item_path)
        yield item, item_path


def parse_tres_str(data, ctx, path):
    """PARSE(TRES_STR): TRES records (by id, or type and name) as "id=count,...";
    None for no records."""
    parts = []
    for item, item_path in tres_records(data, path):
        tres_id = tres_number(item, "id", "uint32_t", ctx, item_path)
        if tres_id is None:
            tres_id = lookups.current().tres_id(str(item.get("type") or ""), item.get("name"))
        if tres_id is None:
            raise Invalid(f"Unable to find TRES {item.get('type')}/{item.get('name') or ''}",
                          ESLURM_INVALID_TRES, path=item_path)
        count = tres_number(item, "count", "int64_t", ctx, item_path)
        parts.append(f"{tres_id}={count or 0}")
    return ",".join(parts) or None


def parse_tres_str_by_type(data, ctx, path):
    """PARSE(TRES_STR_BY_TYPE) (v0.0.43 on): TRES records as the
    "type[/name]=count,..." string slurmctld reads for a reservation (scontrol's
    TRES=cpu=4,license/x=1); slurmctld resolves the names, so no TRES list is
    needed. A record needs its type; a missing count is 0; None for no records."""
    parts = []
    for item, item_path in tres_records(data, path):
        tres_type, name = item.get("type"), item.get("name")
        for key, value in (("type", tres_type), ("name", name)):
            if value is not None and (not isinstance(value, str)
                                      or any(c in value for c in ",=/\0")):
                raise Invalid(f"Invalid TRES {key} {value!r}", ESLURM_INVALID_TRES,
                              path=f"{item_path}{key}/")
        if not tres_type:
            raise Invalid("TRES type is required", ESLURM_INVALID_TRES,
                          path=f"{item_path}type/")
        count = tres_number(item, "count", "int64_t", ctx, item_path)
        parts.append(f"{tres_type}{'/' + name if name else ''}={count or 0}")
    return ",".join(parts) or None


def dump_tres_str_by_type(value, services, get):
    """DUMP(TRES_STR_BY_TYPE): the "type[/name]=count" string as TRES records (the
    id where the request's TRES list knows it)."""
    string = text(value)
    out = []
    for part in string.split(",") if string else ():
        key, _, count = part.partition("=")
        tres_type, _, name = key.partition("/")
        try:
            number = int(count)
        except ValueError:
            continue
        record = {"type": tres_type, "name": name, "count": int64(number)}
        tres_id = lookups.current().tres_id(tres_type, name or None)
        if tres_id is not None:
            record["id"] = tres_id
        out.append(record)
    return out


def tres_number(item: dict, key: str, c_type: str, ctx, item_path: str) -> Optional[int]:
    """A TRES record's id (uint32_t) or count (int64_t) as the C member holds it:
    anything else (another type, a fraction, infinity, out of range) is refused
    naming the member."""
    member_path = f"{item_path}{key}/"
    try:
        number = to_int(item.get(key), ctx, member_path)
        if number is None:
            return None
        if isinstance(number, float):  # math.inf: a TRES has no "unlimited" form here
            raise Invalid(f"Expected integer but got {item.get(key)!r}")
        return fit(number, c_type, item.get(key))
    except Invalid as error:
        raise Invalid(error.description, error.error_number, path=member_path) from None


def dump_qos_preempt_list(qos, services, get):
    """DUMP(QOS_PREEMPT_LIST): the QOS (by name) whose bits are set in
    preempt_bitstr, which restd.native.accounting reads as ``preempt_ids``."""
    table = lookups.current().qos
    out = []
    for qos_id in get(qos, "preempt_ids") or ():
        name = table.get(int(qos_id))
        if name is None:
            dump_warning(f"Unable to find QOS with id#{qos_id}", "DUMP_FUNC(QOS_PREEMPT_LIST)")
            continue
        out.append(name)
    return out


def parse_qos_preempt_list(data, ctx, path, out):
    """PARSE(QOS_PREEMPT_LIST): the QOS names (or ids) as preempt_list ids."""
    out["preempt_list"] = parse_qos_string_id_list(data, ctx, path)


def parse_select_plugin_id(data, ctx, path, out):
    """The select plugin left slurmdbd: ignored, as Slurm does."""


def dump_rollup_stats(stats, services, get):
    """DUMP(ROLLUP_STATS): one entry per rollup type that ran."""
    if not stats:
        dump_warning("rollup stats not provided by controller", "DUMP_FUNC(ROLLUP_STATS)")
        return []
    out = []
    for i, total in enumerate(stats["time_total"]):
        if not total:
            continue
        count = stats["count"][i]
        out.append({"type": ("internal", "user")[i] if i < 2 else "unknown",
                    "last_run": int(stats["timestamp"][i]),
                    "last_cycle": int(stats["time_last"][i]),
                    "max_cycle": int(stats["time_max"][i]),
                    "total_time": int(total), "total_cycles": int(count),
                    "mean_cycles": int(total // count) if count > 1 else int(total)})
    return out


# SPEC_FUNC(ROLLUP_STATS), as published (its "last run" key is Slurm's spelling)
ROLLUP_STATS_SCHEMA = {"type": "array", "items": {"type": "object", "properties": {
    "type": {"type": "string", "enum": ["internal", "user", "unknown"]},
    "last run": {"type": "integer", "format": "int32"},
    "max_cycle": {"type": "integer", "format": "int64"},
    "total_time": {"type": "integer", "format": "int64"},
    "total_cycles": {"type": "integer", "format": "int64"},
    "mean_cycles": {"type": "integer", "format": "int64"}}}}


class WholeStruct(Alias):
    """An alias reading and writing the whole parent struct (Slurm's complex
    parsers that show another object's schema: ASSOC_ID is the association as
    assoc_short; parsing sets those members of the parent)."""

    complex = True

    def parser(self, version):
        inner = version.parser(self.target)

        def parse_whole(data, ctx, path, out):
            value = inner(data, ctx, path)
            if value:
                out.update(value)
        return parse_whole


def slurmdb_response(name: str, key: str, kind: str) -> Object:
    """add_openapi_response_single(): one required member, then the envelope."""
    return Object(name, name.lower(), "openapi_resp_single_t", (
        F(key, kind, "response", required=True),
        F("meta", "OPENAPI_META_PTR", "meta"),
        F("errors", "OPENAPI_ERRORS", "errors"),
        F("warnings", "OPENAPI_WARNINGS", "warnings"),
    ))

# --- job records (sacct's data): /slurmdb/v0.0.40/jobs and job/{job_id} ----------------
#
# Records are what restd.native.accounting.JobRecords.records() gives: dicts of
# slurmdb_job_rec_t members, "steps" a list of slurmdb_step_rec_t ones with "stats"
# (slurmdb_stats_t) and "step_id" (slurm_step_id_t) as nested dicts. Dump them within
# lookups(Lookups(qos=..., tres=..., assocs=...)): QOS_ID, TRES_STR, the step TRES and
# JOB_ASSOC_ID resolve ids with them, as Slurm does with the lists it loads (QOS and TRES
# with deleted ones, associations with deleted ones).

# fmt_job_id_string()'s names of the special step ids
STEP_ID_NAMES = {0xFFFFFFFD: "TBD", 0xFFFFFFFC: "extern", 0xFFFFFFFB: "batch",
                  0xFFFFFFFA: "interactive"}

# cpu_freq_to_string()'s names of the governors and named frequencies
CPU_FREQ_NAMES = {0x80000001: "Low", 0x80000002: "Medium", 0x80000004: "Highm1",
                   0x80000003: "High", 0x88000000: "Conservative", 0x82000000: "Performance",
                   0x81000000: "PowerSave", 0x80800000: "UserSpace", 0x84000000: "OnDemand",
                   0x80400000: "SchedUtil"}
CPU_FREQ_RANGE_FLAG = 0x80000000


class ReadOnlyWhole(Alias):
    """An alias of the whole parent struct whose parsing Slurm disables (or never
    reaches from a request): ``to_target`` picks what the target kind dumps."""

    complex = True

    def parser(self, version):
        name = self.name

        def read_only(data, ctx, path):
            ctx.warn(f"Ignoring read-only field of type {name}", path)
            return None
        return read_only


def read_only_alias(name):
    def read_only(data, ctx, path):
        ctx.warn(f"Ignoring read-only field of type {name}", path)
        return None
    return read_only


def job_assoc(job, services):
    """DUMP(JOB_ASSOC_ID): the job's association (by cluster and id) as assoc_short.
    When it is unknown (not visible to the user, or no id), Slurm warns and dumps {},
    which lacks the "user" its own schema requires; restd warns the same and shows the
    account, cluster and user the job record holds (the partition is not known: the
    job's need not be the association's)."""
    from restd.data_parser.dump import get_any
    assoc_id = int(get_any(job, "associd") or 0)
    cluster = get_any(job, "cluster")
    assoc = None
    if assoc_id and assoc_id != NO_VAL:
        assoc = lookups.current().assoc(cluster, assoc_id)
    if assoc is None:
        dump_warning(f"Unknown association with id#{assoc_id}. Unable to dump association.",
                     "DUMP_FUNC(JOB_ASSOC_ID)")
        user = get_any(job, "user") or services.user_name(int(get_any(job, "uid") or 0))
        assoc = {"acct": get_any(job, "account"), "cluster": cluster, "partition": None,
                 "user": user, "id": 0 if assoc_id == NO_VAL else assoc_id}
    return assoc


def dump_job_user(job, services, get):
    """DUMP(JOB_USER): the user name recorded, else the uid's name, else null."""
    user = get(job, "user")
    if user:
        return user
    return services.user_name(int(get(job, "uid") or 0)) or None


def wckey_tag(wckey, services):
    """DUMP(WCKEY_TAG): a leading "*" marks the wckey assigned by default."""
    if wckey and wckey.startswith("*"):
        return {"wckey": wckey[1:], "flags": 0x1}  # WCKEY_TAG_FLAGS_ASSIGNED_DEFAULT
    return {"wckey": wckey, "flags": 0}


def dump_step_id_string(step_id, services, get):
    """DUMP(SLURM_STEP_ID_STRING): fmt_job_id_string() of the step id,
    "job.step[+het_component]" (batch, extern, interactive and TBD by name)."""
    if step_id is None:
        return ""
    job_id, number, het_component = (
        NO_VAL if value is None else int(value)
        for value in (get(step_id, "job_id"), get(step_id, "step_id"),
                      get(step_id, "step_het_comp")))
    if job_id == NO_VAL or (number == NO_VAL and het_component != NO_VAL):
        return ""  # ESLURM_EMPTY_JOB_ID / ESLURM_EMPTY_STEP_ID: nothing to show
    out = str(job_id)
    if number != NO_VAL:
        out += "." + STEP_ID_NAMES.get(number, str(number))
        if het_component != NO_VAL:
            out += f"+{het_component}"
    return out


def dump_cpu_freq_flags(value, services, get):
    """DUMP(CPU_FREQ_FLAGS): cpu_freq_to_string(). NO_VAL has the range bit set, so
    it shows "Unknown" as in Slurm; a frequency in kHz is shown in units of 1000."""
    value = int(value or 0)
    if value in CPU_FREQ_NAMES:
        return CPU_FREQ_NAMES[value]
    if value & CPU_FREQ_RANGE_FLAG:
        return "Unknown"
    if value == 0:
        return "0"
    number, unit = float(value), 1  # convert_num_unit2(UNIT_KILO, NO_VAL, 1000)
    while number >= 1000 and unit < 5:
        number /= 1000
        unit += 1
    suffix = "\0KMGTP"[unit].replace("\0", "")
    return f"{int(number)}{suffix}" if number == int(number) else f"{number:.2f}{suffix}"


def dump_step_nodes(step, services, get):
    """DUMP(STEP_NODES): the step's nodes as a list; null when it has none recorded."""
    nodes = get(step, "nodes")
    if nodes is None:
        return None
    return expand_hostlist(nodes)


def int64(count: int) -> int:
    """A uint64_t count as the int64_t slurmdb_tres_nct_rec_t holds it."""
    return count - (1 << 64) if count >= 1 << 63 else count


def dump_tres_nct(counts, node_indexes, task_indexes, nodes):
    """dump_tres_nct(): per TRES of the database (in its order), the value and the
    node (an index into the step's nodes) and task that had it, for the TRES that
    appear; every TRES must be known, else nothing is dumped (as in Slurm)."""
    if counts is None and node_indexes is None and task_indexes is None:
        return []
    table = lookups.current().tres
    if not table:
        return []
    entries = {t["id"]: {"type": t.get("type") or "", "name": t.get("name") or "",
                         "id": t["id"], "count": 0, "task": 0, "node": None}
               for t in table}
    hosts = None
    for string, member in ((counts, "count"), (node_indexes, "node"),
                           (task_indexes, "task")):
        for tres_id, value in tres_string_items(text(string)):
            entry = entries.get(tres_id)
            if entry is None:
                return []  # out of sync with the TRES list: Slurm stops there
            if member == "node":
                if hosts is None:
                    hosts = expand_hostlist(nodes) if nodes else []
                entry["node"] = hosts[value] if 0 <= value < len(hosts) else None
            else:
                entry[member] = int64(value)
    return [{**entry, "node": entry["node"] or ""} for entry in entries.values()
            if entry["count"] or entry["node"] is not None or entry["task"]]


def step_tres(direction: str, extreme: str):
    """STEP_TRES_{REQ,USAGE}_{MAX,MIN}: stats.tres_usage_<in|out>_<max|min> with the
    nodes and tasks where they were reached."""
    stem = f"stats.tres_usage_{direction}_{extreme}"

    def dump(step, services, get):
        return dump_tres_nct(get(step, stem), get(step, stem + "_nodeid"),
                              get(step, stem + "_taskid"), get(step, "nodes"))
    return dump


# --- accounting rules data_parser v0.0.41 and v0.0.42 added or changed -----------------
#
# Slurm 24.11's src/plugins/data_parser/v0.0.41/ and v0.0.42/ parsers.c: what each rule
# reads from the records restd.native.accounting returns (C member names) and what it
# writes; restd.data_parser.v0041_slurmdb and v0042_slurmdb name them.

ESLURM_INVALID_ASSOC = 2057
UINT64_MASK = (1 << 64) - 1


# --- associations ------------------------------------------------------------------------

def dump_assoc_id(assoc: Any, services, get: Callable) -> int:
    """DUMP(ASSOC_ID) from v0.0.41 on: the association's numeric id (v0.0.40
    showed it as an assoc_short object).

    Slurm dumps the id of the association compare_assoc() finds in
    ``args->assoc_list``, 0 when none; but ASSOC_ID does not ask for that list
    (NEED_NONE), so slurmrestd 24.11.5 answers "id": 0 for every association of
    GET associations and config (seen on the Debian 13 chroot's cluster).
    restd dumps the record's own id, the association that lookup is meant to
    find (0 when it has none, as Slurm's 0 or NO_VAL): on purpose, a client can
    then name the association."""
    assoc_id = int(get(assoc, "id") or 0)
    return 0 if assoc_id >= NO_VAL else assoc_id


def parse_assoc_id(data: Any, ctx, path: str, out: dict) -> None:
    """PARSE(ASSOC_ID) from v0.0.41 on: null, "", 0 and {} are no association;
    a number (or numeric string) is the id; an object is the association by
    account, cluster, partition and user (assoc_short), as v0.0.40 read it.
    Anything else is ESLURM_INVALID_ASSOC ("Expected numeric Association ID")."""
    if data is None or data == "" or data == {}:
        return
    if isinstance(data, dict):
        for key, member in (("account", "acct"), ("cluster", "cluster"),
                            ("partition", "partition"), ("user", "user"), ("id", "id")):
            if key in data and data[key] not in (None, ""):
                out[member] = _assoc_number(data[key]) if key == "id" else data[key]
        return
    if isinstance(data, bool) or isinstance(data, list):
        raise Invalid(f"Expected numeric Association ID but got {json_type_name(data)}",
                      ESLURM_INVALID_ASSOC)
    number = _assoc_number(data)
    if number:
        out["id"] = number


def _assoc_number(data: Any) -> int:
    """An association id as its uint32_t member: whole numbers only."""
    if isinstance(data, float) and data.is_integer():
        data = int(data)
    if isinstance(data, str) and data.strip().isdecimal():
        data = int(data)
    if not isinstance(data, int) or isinstance(data, bool) or not 0 <= data < NO_VAL:
        raise Invalid(f"Unable to convert {data!r} to integer for association id")
    return data


# --- slurmdbd statistics -----------------------------------------------------------------

# slurmdb_rollup_stats_t's arrays are indexed by DBD_ROLLUP_HOUR, _DAY, _MONTH
ROLLUP_PERIODS = ("DBD_ROLLUP_HOUR", "DBD_ROLLUP_DAY", "DBD_ROLLUP_MONTH")
ROLLUP_MEMBERS = ("count", "timestamp", "time_last", "time_max", "time_total")


def rollup_members(stats: dict) -> dict:
    """slurmdb_rollup_stats_t as restd.native.accounting gives it (each member
    a list indexed by period) keyed as the C expressions the ROLLUP_STATS
    fields name ("count[DBD_ROLLUP_HOUR]")."""
    return {f"{member}[{period}]": int(stats[member][index])
            for member in ROLLUP_MEMBERS
            for index, period in enumerate(ROLLUP_PERIODS)}


class RollupStatsPointer(Pointer):
    """ROLLUP_STATS_PTR of v0.0.41 on: the arrays, read by period
    (rollup_members()); NULL (slurmdbd sent none) dumps {} as Slurm's
    _dump_pointer() does for an object (null where the field is optional, as
    "rollups" is: Properties.null_optional_pointers)."""

    def dumper(self, version, get):
        from restd.data_parser.dump import get_item
        inner = version.dumper(self.target, get_item)

        def dump_rollups(stats):
            if stats is None:
                return {}
            return inner(rollup_members(stats))
        return dump_rollups


# --- job records ---------------------------------------------------------------------------

def dump_planned_time(job: Any, services, get: Callable) -> int:
    """DUMP(JOB_PLANNED_TIME): the seconds from eligible to start, as sacct's
    PlannedCPU computes them: 0 when never eligible; end - eligible for a job
    that ended without starting; now - eligible for one still waiting. A
    uint64_t, so the {set, infinite, number} object of UINT64_NO_VAL."""
    import time as _time
    eligible = int(get(job, "eligible") or 0)
    start = int(get(job, "start") or 0)
    end = int(get(job, "end") or 0)
    if not eligible or eligible == INFINITE:
        diff = 0
    elif start == NO_VAL and end:
        diff = end - eligible
    elif start:
        diff = start - eligible
    else:
        diff = int(_time.time()) - eligible
    return diff & UINT64_MASK


def dump_job_planned_time(job: Any, services, get: Callable) -> dict:
    """JOB_PLANNED_TIME is dumped as DUMP(UINT64_NO_VAL) of the wait."""
    return UINT64_NO_VAL.dump_value(dump_planned_time(job, services, get))


# expand_stdio_fields(): the patterns a stdio path of a job record expands
_STDIO_WILDCARDS = "AabJjNnstux"


def _stdio_value(letter: str, padding: int, job: dict) -> str:
    def number(value: int) -> str:
        return f"{value:0{padding}d}" if padding else str(value)
    if letter == "A":
        return number(job["array_job_id"] or job["jobid"])
    if letter in "Jj":
        return number(job["jobid"])
    if letter == "a":
        return number(job["array_task_id"])
    if letter == "b":
        return number(job["array_task_id"] % 10)
    if letter in "nt":
        return "0"
    # xstrfmtcat() writes a NULL string as "(null)"
    value = {"N": job["first_step_node"], "s": job["first_step_name"],
             "u": job["user"], "x": job["jobname"]}[letter]
    return "(null)" if value is None else str(value)


def expand_stdio_fields(path: Optional[str], job: dict) -> Optional[str]:
    """Slurm's expand_stdio_fields() (src/common/print_fields.c): a job
    record's stdin/stdout/stderr pattern with its fields filled in (%j job id,
    %A array job, %a task, %u user, %x name, %N first step's node, %s its name,
    %n and %t 0, %% a percent sign; "%4j" pads with zeros), prefixed with the
    working directory when relative. A backslash anywhere means "not to be
    expanded": the backslashes are dropped and nothing is replaced."""
    if not path:
        return None
    out = [] if path.startswith("/") else [job["work_dir"] or ""]
    if "\\" in path:
        return "".join(out) + path.replace("\\", "")
    index, length = 0, len(path)
    while index < length:
        char = path[index]
        if char != "%":
            out.append(char)
            index += 1
            continue
        index += 1
        if index >= length:
            out.append("%")
            break
        char = path[index]
        if char == "%":
            out.append("%")
            index += 1
            continue
        padding = 0
        if char.isdigit():
            digits = re.match(r"\d+", path[index:]).group()
            start = index
            if int(digits) > 9:
                padding, index = 10, index + len(digits)
            else:
                padding, index = int(digits), index + 1
            if index >= length or path[index] not in _STDIO_WILDCARDS:
                # Slurm keeps only the last digit of a padding without a pattern
                out.append(digits[-1])
                index = start + len(digits)
                continue
            char = path[index]
        if char in _STDIO_WILDCARDS:
            out.append(_stdio_value(char, padding, job))
        else:
            out.append("%" + char)
        index += 1
    return "".join(out)


def dump_job_record_stdio(member: str) -> Callable:
    """DUMP(JOB_STDIN), (JOB_STDOUT), (JOB_STDERR): the job record's std_in,
    std_out or std_err expanded with the record's fields (_fill_job_stp():
    the first step gives %N and %s); "" when the record has none (a Slurm
    before 24.05 records none)."""
    def dump(job: Any, services, get: Callable) -> str:
        path = get(job, member)
        if not path:
            return ""
        steps = get(job, "steps") or ()
        first = steps[0] if steps else None
        user = get(job, "user") or services.user_name(int(get(job, "uid") or 0))
        fields = {
            "array_job_id": int(get(job, "array_job_id") or 0),
            "array_task_id": int(get(job, "array_task_id") or 0) & 0xFFFFFFFF,
            "jobid": int(get(job, "jobid") or 0),
            "jobname": get(job, "jobname"), "user": user,
            "work_dir": get(job, "work_dir"),
            "first_step_name": get(first, "stepname") if first is not None else None,
            "first_step_node": get(first, "nodes") if first is not None else None,
        }
        return expand_stdio_fields(path if isinstance(path, str) else path.decode(),
                                   fields) or ""
    return dump


def dump_step_record_stdio(member: str) -> Callable:
    """DUMP(STEP_STDIN_EXP), (STEP_STDOUT_EXP), (STEP_STDERR_EXP): the step
    record's std_in, std_out or std_err expanded as
    slurmdb_expand_step_stdio_fields() does (Slurm 25.05): the job's array ids,
    name and user, the step's first node, its id (%s) and its working directory
    (slurmdb_step_rec_t.cwd); "" when the record has none (a Slurm before 25.05
    records none). restd.native.accounting gives each step its job as
    ``job_ptr``, as Slurm's step record points to it."""
    def dump(step: Any, services, get: Callable) -> str:
        path = get(step, member)
        if not path:
            return ""
        job = get(step, "job_ptr") or {}
        nodes = get(step, "nodes")
        step_id = get(step, "step_id") or {}
        user = get(job, "user") or services.user_name(int(get(job, "uid") or 0))
        fields = {
            "array_job_id": int(get(job, "array_job_id") or 0),
            "array_task_id": int(get(job, "array_task_id") or 0) & 0xFFFFFFFF,
            "jobid": int(get(step_id, "job_id") or 0),
            "jobname": get(job, "jobname"), "user": user,
            "work_dir": get(step, "cwd"),
            "first_step_name": str(get(step_id, "step_id")) if step_id else None,
            "first_step_node": expand_hostlist(nodes)[0] if nodes else None,
        }
        return expand_stdio_fields(path if isinstance(path, str) else path.decode(),
                                   fields) or ""
    return dump


def read_only_complex(name: str) -> Callable:
    """PARSE_DISABLED() of a parser of the whole struct: the value is ignored
    with Slurm's warning."""
    def read_only(data: Any, ctx, path: str, out: dict) -> None:
        ctx.warn(f"Ignoring read-only field of type {name}", path)
    return read_only


# --- rules of data_parser v0.0.41 and later (Slurm 24.11's v0.0.41/parsers.c) ----------

def read_optional(get, obj, member: str, absent=None):
    """``member`` of ``obj`` where the Slurm compiled against has it, else
    ``absent``: for members only newer Slurm structs have (gpu_spec, 24.05 on),
    which the binding declares optional (a struct without them has no such
    attribute). Only the named member may be missing: any other stays loud."""
    try:
        return get(obj, member)
    except AttributeError:
        return absent


def optional_member(name: str, member: str, target: str, absent=None) -> Special:
    """A field reading ``member``, which only some Slurm versions have, as kind
    ``target``; dumped as the target's unset value (``absent``: None, 0...)
    where the installed Slurm lacks it, as slurmrestd dumps absent data.
    Parsing yields the member (the binding refuses it where Slurm lacks it)."""
    @PerVersion
    def compile_dump(version, get):
        inner = version.dumper(target, get)

        def dump(obj, services, get):
            return inner(read_optional(get, obj, member, absent))
        return dump

    @PerVersion
    def compile_parse(version):
        inner = version.parser(target)

        def parse(data, ctx, path, out):
            out[member] = inner(data, ctx, path)
        return parse
    return Special(name, compile_dump, compile_parse, target=target, complex=True)


# JOB_RES_CORE_status_t of v0.0.41/parsers.c
JOB_RES_CORE_UNALLOC = NO_VAL64
JOB_RES_CORE_ALLOC = 1 << 1
JOB_RES_CORE_IN_USE = 1 << 2


@PerVersion
def dump_job_res_allocation(version, get):
    """DUMP(JOB_RES_NODES) of v0.0.41: per allocated node (nhosts of
    them, named from the nodes hostlist), its CPUs and memory, and every core
    of its sockets (job_res_nodes()) with its status: ALLOCATED (in
    core_bitmap), plus IN_USE (also in core_bitmap_used), else UNALLOCATED
    (_dump_node_res())."""
    node_item = version.dumper("JOB_RES_NODE", get)

    def dump(job_res, services, get):
        cpus, cpus_used = get(job_res, "cpus"), get(job_res, "cpus_used")
        memory_used = get(job_res, "memory_used")
        memory_allocated = get(job_res, "memory_allocated")
        out = []
        for node_inx, name, count, per_socket, cores in job_res_nodes(job_res, services,
                                                                      get):
            sockets = [Record(index=index, cores=[]) for index in range(count)]
            for index, (allocated, in_use) in enumerate(cores):
                status = (JOB_RES_CORE_ALLOC | (JOB_RES_CORE_IN_USE if in_use else 0)
                          if allocated else JOB_RES_CORE_UNALLOC)
                sockets[index // per_socket]["cores"].append(
                    Record(index=index % per_socket, status=status))
            out.append(node_item(Record(
                index=node_inx, name=name,
                cpus=Record(count=int(cpus[node_inx]) if cpus else 0,
                            used=int(cpus_used[node_inx]) if cpus_used else 0),
                memory=Record(used=int(memory_used[node_inx]) if memory_used else 0,
                              allocated=(int(memory_allocated[node_inx])
                                         if memory_allocated else 0)),
                sockets=sockets)))
        return out
    return dump


def stats_rpc_list(item: str, count: str, members: dict, *, average: bool = False,
                   queue: bool = False):
    """STATS_MSG_RPCS_BY_TYPE/_BY_USER/_QUEUE/_DUMP of v0.0.41: the parallel
    arrays of stats_info_response_msg_t (``members``: record key -> member)
    as a list of ``item`` records (``name``: the message type's name,
    rpc_num2string() of ``id``); ``average`` adds average_time (time / count,
    NO_VAL64 unless both are positive); ``queue`` adds the RPC queue's
    counters (queued, dropped, cycle_last, cycle_max: zero unless
    rpc_queue_enabled, and on a Slurm without them)."""
    queue_members = {"queued": "rpc_type_queued", "dropped": "rpc_type_dropped",
                     "cycle_last": "rpc_type_cycle_last", "cycle_max": "rpc_type_cycle_max"}

    @PerVersion
    def compile_dump(version, get):
        dump_item = version.dumper(item, get)

        def dump(stats, services, get):
            size = int(get(stats, count) or 0)
            if not size:
                return []
            arrays = {key: get(stats, member) for key, member in members.items()}
            ids = arrays["id"]
            queued = {}
            if queue and read_optional(get, stats, "rpc_queue_enabled", 0):
                queued = {key: read_optional(get, stats, member)
                          for key, member in queue_members.items()}
            out = []
            for index in range(size):
                record = Record((key, array[index]) for key, array in arrays.items())
                record["name"] = services.rpc_name(int(ids[index]))
                if queue:
                    for key in queue_members:
                        values = queued.get(key)
                        record[key] = int(values[index]) if values else 0
                if average:
                    total, calls = int(record["time"]), int(record["count"])
                    record["average_time"] = total // calls if total > 0 and calls > 0 \
                        else NO_VAL64
                out.append(dump_item(record))
            return out
        return dump
    return compile_dump


# SLURM_DIST_PLANE and SLURM_DIST_STATE_BASE (slurm.h task_dist_states)
SLURM_DIST_PLANE = 0x0004
SLURM_DIST_STATE_BASE = 0x00FFFF
ESLURM_BAD_DIST = 2018


def dump_plane_size(job, services, get):
    """DUMP(JOB_DESC_MSG_PLANE_SIZE): plane_size when the task distribution
    is PLANE, else unset (NO_VAL16)."""
    dist = int(get(job, "task_dist") or 0)
    if dist != NO_VAL and dist & SLURM_DIST_STATE_BASE == SLURM_DIST_PLANE:
        return UINT16_NO_VAL.dump_value(get(job, "plane_size"))
    return UINT16_NO_VAL.dump_value(NO_VAL16)


def parse_plane_size(data, ctx, path, out):
    """PARSE(JOB_DESC_MSG_PLANE_SIZE): a plane size sets the PLANE task
    distribution with it; one already set to another distribution, or to
    another plane size, is refused (ESLURM_BAD_DIST)."""
    plane = UINT16_NO_VAL.parse_value(data, ctx, path)
    dist = out.get("task_dist")
    if plane == NO_VAL16:
        if dist is not None and dist != NO_VAL and \
                dist & SLURM_DIST_STATE_BASE == SLURM_DIST_PLANE:
            raise Invalid("Plane size left unset but distribution specifications "
                          "specified plane", ESLURM_BAD_DIST)
        out["plane_size"] = NO_VAL16
        return
    if dist is not None and dist != NO_VAL:
        if dist & SLURM_DIST_STATE_BASE != SLURM_DIST_PLANE:
            raise Invalid("Plane size distribution specifications cannot be combined "
                          "with another distribution", ESLURM_BAD_DIST)
        if out.get("plane_size", NO_VAL16) not in (NO_VAL16, plane):
            raise Invalid(f"Plane size set by distribution_plane_size and distribution "
                          f"do not match. ({out['plane_size']} != {plane})", ESLURM_BAD_DIST)
    out["task_dist"] = SLURM_DIST_PLANE
    out["plane_size"] = plane



# --- rules of data_parser v0.0.42 and later (Slurm 24.11's v0.0.42/parsers.c) ----------

def dump_ping_primary(value, services):
    """DUMP(CONTROLLER_PING_PRIMARY): whether the answering slurmctld is the
    primary (its offset in the controller list is 0)."""
    return int(value or 0) == 0


@PerVersion
def dump_priority_by_partition(version, get):
    """DUMP(PRIORITY_BY_PARTITION): the job's prospective priority in each
    partition it may run in: priority_array[i] for the i-th name of the
    comma-separated priority_array_names; none without priority_array
    (members Slurm 22.05 lacks: none there)."""
    item = version.dumper("PART_PRIO", get)

    def dump(job, services, get):
        priorities = read_optional(get, job, "priority_array")
        if not priorities:
            return []
        names = text(read_optional(get, job, "priority_array_names"))
        return [item(Record(part=name, prio=int(priorities[index])))
                for index, name in enumerate(part for part in names.split(",") if part)]
    return dump


SLURM_DIST_UNKNOWN = 0x2000


def dump_job_desc_distribution(job, services, get):
    """DUMP(JOB_DESC_MSG_TASK_DISTRIBUTION): the task distribution's name."""
    return dump_task_distribution(get(job, "task_dist"), services)


def parse_job_desc_distribution(data, ctx, path, out):
    """PARSE(JOB_DESC_MSG_TASK_DISTRIBUTION): null leaves the distribution
    unknown unless a plane size chose PLANE; a distribution other than PLANE
    cannot be combined with a plane size (ESLURM_BAD_DIST). (slurmrestd also
    sets SLURM_DISTRIBUTION in the job's environment: srun in the job reads
    the job's own distribution from slurmctld instead.)"""
    if data is None:
        if out.get("plane_size", NO_VAL16) == NO_VAL16:
            out["task_dist"] = SLURM_DIST_UNKNOWN
        return
    dist = parse_task_distribution(data, ctx, path)
    if dist & SLURM_DIST_STATE_BASE != SLURM_DIST_PLANE and \
            out.get("plane_size", NO_VAL16) != NO_VAL16:
        raise Invalid("Plane size distribution specifications cannot be combined with "
                      "other options", ESLURM_BAD_DIST)
    out["task_dist"] = dist
