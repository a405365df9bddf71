"""The v0.0.40 descriptions: Slurm 24.11's data_parser v0.0.40, object by object.

Everything below is data: kinds (scalars, flag tables, arrays) and objects
(tables of fields: JSON key, kind name, C member), in the order and with the
names of src/plugins/data_parser/v0.0.40/parsers.c (slurm-24-11-5-1). Flag
values were taken from slurm/slurm.h of 24.11 and carry their C macro names.
The few conversions that need code are small named functions, each the rule of
the Slurm parser of the same name.

Public names: ``V0040`` (the :class:`Version`), ``NAME``, ``FLAGS``,
``schemas()``, ``dump()``, ``parse()`` (what a data_parser plugin exposes).
"""
from __future__ import annotations

import math
import re
import sys
from typing import Any

from restd.data_parser.describe import Field as F, Object, Version
from restd.data_parser.types import (
    BOOL, C_INT_RANGES, CORE_SPEC_THREAD, DOUBLE, ESLURM_DATA_EXPECTED_LIST, INFINITE, INFINITE16,
    INFINITE64, INT32, INT64, MEM_PER_CPU, NICE_OFFSET, NO_VAL, NO_VAL16, NO_VAL64,
    NUMBER, SLURM_MAX_NORMAL_STEP_ID, STRING, Alias, ArrayOf, FlagBit, Flags, Hostlist,
    Invalid, NoVal, Pointer, Record, Removed, Scalar, Special, dump_warning,
    expand_hostlist, fit, json_type_name, text, to_bool, to_float, to_int, to_text)

NAME = "v0.0.40"
FLAGS = frozenset({"fast"})

# --- scalar conversions --------------------------------------------------------------
# Dump functions take (value, services); parse functions (data, ctx, path).


def _int_in(c_type: str):
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


def _read_only(what: str):
    def parse(data, ctx, path):
        raise Invalid(f"Parsing {what} is not supported")
    return parse


def _dump_int(value, services):
    return int(value or 0)


def _dump_uint64(value, services):
    # DUMP(UINT64): never dumps INFINITE64 or NO_VAL64 as a number.
    value = int(value or 0)
    return None if value in (NO_VAL64, INFINITE64) else value


def _dump_str(value, services):
    return text(value)


def _parse_str(data, ctx, path):
    return to_text(data, ctx, path)


def _dump_bool(value, services):
    return bool(value)


def _parse_bool(data, ctx, path):
    try:
        return int(to_bool(data, ctx, path))
    except Invalid:
        raise Invalid(f"Expected boolean but got {json_type_name(data)}") from None


def _dump_bool16_no_val(value, services):
    return False if value == NO_VAL16 else bool(value)


def _dump_float(value, services):
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


def _parse_float(data, ctx, path):
    number = to_float(data, ctx, path)
    return 0.0 if number is None else number


def _dump_user(value, services):
    return services.user_name(int(value or 0)) or ""


def _dump_group(value, services):
    return services.group_name(int(value or 0)) or ""


def _parse_id(kind: str):
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


def _dump_reason(value, services):
    return services.job_reason(int(value or 0))


_parse_reason = _read_only("a job state reason")


def _dump_nice(value, services):
    value = int(value or 0)
    return 0 if value in (NO_VAL, NICE_OFFSET) else value - NICE_OFFSET


def _parse_nice(data, ctx, path):
    number = to_int(data, ctx, path)
    number = 0 if number is None else number
    if isinstance(number, float) or abs(number) > NICE_OFFSET - 3:
        raise Invalid("Nice value not within +/- 2147483645")
    return number + NICE_OFFSET


def _dump_core_spec(value, services):
    value = int(value or 0)
    return 0 if value & CORE_SPEC_THREAD else value


def _dump_thread_spec(value, services):
    value = int(value or 0)
    return value & ~CORE_SPEC_THREAD if value & CORE_SPEC_THREAD else 0


def _parse_spec(thread: bool):
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


def _dump_hold(value, services):
    return int(value or 0) == 0


def _parse_hold(data, ctx, path):
    # PARSE(HOLD) writes priority: 0 holds, INFINITE releases; null changes nothing.
    if data is None:
        return None
    return 0 if to_bool(data, ctx, path) else INFINITE


def _dump_error(value, services):
    return services.strerror(int(value or 0))


def _parse_error_name(data, ctx, path):
    raise Invalid("Parsing an error name is not supported")


def _dump_step_id(value, services):
    value = int(value or 0)
    if value > SLURM_MAX_NORMAL_STEP_ID:
        names = STEP_NAMES_KIND.dump_value(value)
        if len(names) != 1:
            raise ValueError(f"unknown step id {value:#x}")
        return names[0]
    return str(value)


def _parse_step_id(data, ctx, path):
    if isinstance(data, str) and not data.strip().lstrip("+-").isdecimal():
        for bit in STEP_NAMES_KIND.bits:
            if bit.name.lower() == data.strip().lower():
                return bit.value
        raise Invalid(f"Unknown step name \"{data}\"")
    number = to_int(data, ctx, path)
    if number is None or isinstance(number, float) or number < 0 or \
            number > SLURM_MAX_NORMAL_STEP_ID:
        raise Invalid(f"Invalid step id {data!r}")
    return number


def _dump_signal(value, services):
    value = int(value or 0)
    return "" if value == NO_VAL16 else services.signal_name(value)


def _parse_signal(data, ctx, path):
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


def _dump_allocated_cores(value, services):
    # slurm_conf.select_type_param & (CR_CORE | CR_SOCKET)
    return int(value or 0) if services.select_type_param() & (0x4 | 0x2) else 0


def _dump_allocated_cpus(value, services):
    # slurm_conf.select_type_param & CR_CPU
    return int(value or 0) if services.select_type_param() & 0x1 else 0


def _dump_task_distribution(value, services):
    return services.task_distribution_name(int(value or 0))


def _parse_task_distribution(data, ctx, path):
    string = to_text(data, ctx, path)
    if string is None:
        return None
    try:
        return ctx.services.task_distribution(string)
    except ValueError:
        raise Invalid(f"Invalid distribution: {string}") from None


# --- memory: the MEM_PER_CPU bit of pn_min_memory -----------------------------------

def _mem_per_node_out(value, services):
    value = int(value or 0)
    return NO_VAL64 if value & MEM_PER_CPU else value


def _mem_per_cpu_out(value, services):
    value = int(value or 0)
    return value & ~MEM_PER_CPU if value & MEM_PER_CPU else NO_VAL64


_MEM_UNITS = {"": 1, "m": 1, "g": 1024, "t": 1024 ** 2, "p": 1024 ** 3}  # to MiB


def _parse_mem(per_cpu: bool):
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
            mem = mem // 1024 if unit == "k" else mem * _MEM_UNITS[unit]
        else:
            mem = UINT64_NO_VAL_KIND.parse_value(data, ctx, path)
        if mem == NO_VAL64:
            return NO_VAL64
        if mem == INFINITE64:
            return 0  # 0 acts as infinity
        if mem >= MEM_PER_CPU:
            raise Invalid(f"Memory value {mem} equal or larger than {MEM_PER_CPU}")
        return MEM_PER_CPU | mem if per_cpu else mem
    return parse


# --- timestamps, exit codes -----------------------------------------------------------

_TIME_UNITS = {"": 1, "s": 1, "sec": 1, "second": 1, "seconds": 1, "m": 60, "min": 60,
               "minute": 60, "minutes": 60, "h": 3600, "hour": 3600, "hours": 3600,
               "d": 86400, "day": 86400, "days": 86400, "w": 604800, "week": 604800,
               "weeks": 604800}


def _parse_time_string(string: str) -> int:
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
        unit = _TIME_UNITS.get(match.group(3))
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


# A time_t member holds what Slurm's _parse_timestamp() stores for an unset or
# infinite time: the uint64_t sentinels cast to time_t (-2 and -1).
TIME_T_NO_VAL = NO_VAL64 - (1 << 64)
TIME_T_INFINITE = INFINITE64 - (1 << 64)


def _parse_timestamp_no_val(data, ctx, path):
    """_parse_timestamp() into a time_t: null (and NaN/inf floats) is
    (time_t) NO_VAL64, else a number, a time string (parse_time()) or the
    {set, infinite, number} forms, refused when time_t cannot hold it."""
    moment = _timestamp(data, ctx, path)
    if moment == NO_VAL64:
        return TIME_T_NO_VAL
    if moment == INFINITE64:
        return TIME_T_INFINITE
    return fit(moment, "time_t", data)


def _timestamp(data, ctx, path):
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
            return UINT64_NO_VAL_KIND.parse_value(data, ctx, path)
        moment = _parse_time_string(data)
        if moment and not C_INT_RANGES["time_t"][0] <= moment <= C_INT_RANGES["time_t"][1]:
            moment = 0
        if not moment:
            raise Invalid(f"Parsing of {data} for timestamp failed")
        return moment
    return UINT64_NO_VAL_KIND.parse_value(data, ctx, path)


def _parse_timestamp(data, ctx, path):
    moment = _parse_timestamp_no_val(data, ctx, path)
    if moment == TIME_T_NO_VAL:
        raise Invalid("Invalid or unset timestamp value")
    return moment


def _exit_code_verbose(value, services):
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


def _parse_exit_code(data, ctx, path):
    """PARSE(PROCESS_EXIT_CODE): a number as UINT32_NO_VAL, else the verbose
    object, of which only return_code is kept."""
    if isinstance(data, (int, float, str)) and not isinstance(data, bool):
        try:
            number = to_int(data, ctx, path)
        except Invalid:
            number = None
        if number is not None:
            return V0040.parser("UINT32_NO_VAL")(data, ctx, path)
    verbose = V0040.parser("PROCESS_EXIT_CODE_VERBOSE")(data, ctx, path)
    return verbose.get("return_code", NO_VAL)


# --- job_exclusive: a bool or the exclusive flags -----------------------------------

def _parse_job_exclusive(data, ctx, path):
    if data is None:
        return 0x0001  # JOB_SHARED_OK
    if isinstance(data, bool):
        return 0x0000 if data else 0x0001  # JOB_SHARED_NONE / JOB_SHARED_OK
    return JOB_EXCLUSIVE_FLAGS_KIND.parse_value(data, ctx, path)


# --- complex fields of slurm_job_info_t -------------------------------------------------

def _job_stdio(stream):
    def dump(job, services, get):
        return services.job_stdio(job, stream, get)
    return dump


def _dump_gres_detail(job, services, get):
    details = get(job, "gres_detail_str")
    count = int(get(job, "gres_detail_cnt") or 0)
    if not details:
        return []
    return [text(details[index]) for index in range(count)] \
        if not isinstance(details, (list, tuple)) else [text(d) for d in details[:count]]


def _dump_job_res_nodes(job_res, services, get):
    """DUMP(JOB_RES_NODES): per allocated node, its cores found in
    core_bitmap ("allocated", or "allocated_and_in_use" when also in
    core_bitmap_used), walking sockets_per_node/cores_per_socket as
    sock_core_rep_count repeats them; keys as Slurm writes them."""
    cores_per_socket = get(job_res, "cores_per_socket")
    nhosts = int(get(job_res, "nhosts") or 0)
    if not cores_per_socket or not nhosts:
        return []
    names = expand_hostlist(text(get(job_res, "nodes")))
    sockets_per_node = get(job_res, "sockets_per_node")
    reps = get(job_res, "sock_core_rep_count")
    cpus_used = get(job_res, "cpus_used")
    memory_used = get(job_res, "memory_used")
    memory_allocated = get(job_res, "memory_allocated")
    allocated = services.bits(get(job_res, "core_bitmap"))
    in_use = services.bits(get(job_res, "core_bitmap_used"))
    out, bit, sock_inx, sock_reps = [], 0, 0, 0
    for node_inx in range(nhosts):
        if sock_reps >= int(reps[sock_inx]):
            sock_inx += 1
            sock_reps = 0
        sock_reps += 1
        sockets: dict = {}
        cps = int(cores_per_socket[sock_inx])
        for index in range(int(sockets_per_node[sock_inx]) * cps):
            if bit in allocated:
                cores = sockets.setdefault(str(index // cps), {"cores": {}})["cores"]
                cores[str(index % cps)] = ("allocated_and_in_use" if bit in in_use
                                           else "allocated")
            bit += 1
        out.append({"sockets": sockets,
                    "nodename": names[node_inx] if node_inx < len(names) else "",
                    "cpus_used": int(cpus_used[node_inx]) if cpus_used else 0,
                    "memory_used": int(memory_used[node_inx]) if memory_used else 0,
                    "memory_allocated": (int(memory_allocated[node_inx])
                                         if memory_allocated else 0)})
    return out


# --- complex fields of job_desc_msg_t: parse(data, ctx, path, out) -------------------

def _env_member(member: str, count: str):
    """JOB_DESC_MSG_ENV/SPANK_ENV/ARGV: a string array and its count."""
    def parse(data, ctx, path, out):
        if data is None:
            return
        values = _parse_string_array(data, ctx, path)
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


def _rlimit(name: str):
    """JOB_DESC_MSG_RLIMIT_*: a limit passed to the job as SLURM_RLIMIT_<X>."""
    variable = f"SLURM_RLIMIT_{name.upper()}"

    def parse(data, ctx, path, out):
        limit = UINT64_NO_VAL_KIND.parse_value(data, ctx, path)
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
                    return UINT64_NO_VAL_KIND.dump_value(int(entry.split("=", 1)[1]))
                except ValueError:
                    break
        return UINT64_NO_VAL_KIND.dump_value(NO_VAL64)
    return parse, dump


def _parse_job_desc_nodes(data, ctx, path, out):
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


def _dump_job_desc_nodes(job, services, get):
    low, high = get(job, "min_nodes"), get(job, "max_nodes")
    if low is None or low == NO_VAL:
        return ""
    if high is None or high in (NO_VAL, 0) or high == low:
        return str(low)
    return f"{low}-{high}"


_CPU_FREQ_NAMED = {"low": 0x80000001, "medium": 0x80000002, "high": 0x80000003,
                   "highm1": 0x80000004}
_CPU_FREQ_GOVERNORS = {"conservative": 0x88000000, "ondemand": 0x84000000,
                       "performance": 0x82000000, "powersave": 0x81000000,
                       "userspace": 0x80800000, "schedutil": 0x80400000}


def _parse_cpu_freq(data, ctx, path, out):
    """JOB_DESC_MSG_CPU_FREQ: cpu_freq_verify_cmdline()'s "[min-]max[:gov]" or
    a governor alone."""
    if data is None:
        out["cpu_freq_min"] = out["cpu_freq_max"] = out["cpu_freq_gov"] = NO_VAL
        return
    string = to_text(data, ctx, path).strip().lower()
    low = high = gov = NO_VAL

    def freq(word):
        if word in _CPU_FREQ_NAMED:
            return _CPU_FREQ_NAMED[word]
        if word.isdecimal():
            return fit(int(word), "uint32_t", word)
        raise Invalid("Invalid cpu_frequency")
    if string in _CPU_FREQ_GOVERNORS:
        gov = _CPU_FREQ_GOVERNORS[string]
    else:
        spec, _, governor = string.partition(":")
        if governor:
            if governor not in _CPU_FREQ_GOVERNORS:
                raise Invalid("Invalid cpu_frequency")
            gov = _CPU_FREQ_GOVERNORS[governor]
        first, _, second = spec.partition("-")
        if second:
            low, high = freq(first), freq(second)
        else:
            high = freq(first)
    out["cpu_freq_min"], out["cpu_freq_max"], out["cpu_freq_gov"] = low, high, gov


def _dump_cpu_freq(job, services, get):
    values = [get(job, m) for m in ("cpu_freq_min", "cpu_freq_max", "cpu_freq_gov")]
    names = {v: k for k, v in {**_CPU_FREQ_NAMED, **_CPU_FREQ_GOVERNORS}.items()}
    low, high, gov = (None if v in (None, NO_VAL, 0) else names.get(v, str(v))
                      for v in values)
    spec = f"{low}-{high}" if low and high else (high or "")
    return f"{spec}:{gov}" if gov and spec else (gov or spec)


def _parse_cron_entry(data, ctx, path):
    ctx.warn("crontab submissions are not supported", path)
    return None


def _parse_string_array(data, ctx, path):
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


# --- kinds ------------------------------------------------------------------------------

def _scalar(name, openapi, c_type, dump, parse):
    return Scalar(name, openapi, c_type, dump, parse)


UINT64_NO_VAL_KIND = NoVal("UINT64_NO_VAL", "uint64_no_val", "uint64_t", NO_VAL64, INFINITE64)

SCALARS = (
    _scalar("STRING", STRING, "char *", _dump_str, _parse_str),
    _scalar("UINT32", INT32, "uint32_t", _dump_int, _int_in("uint32_t")),
    _scalar("UINT64", INT64, "uint64_t", _dump_uint64, _int_in("uint64_t")),
    _scalar("UINT16", INT32, "uint16_t", _dump_int, _int_in("uint16_t")),
    _scalar("INT32", INT32, "int32_t", _dump_int, _int_in("int32_t")),
    _scalar("INT64", INT64, "int64_t", _dump_int, _int_in("int64_t")),
    _scalar("FLOAT64", DOUBLE, "double", _dump_float, _parse_float),
    _scalar("FLOAT128", NUMBER, "long double", _dump_float, _parse_float),
    _scalar("BOOL", BOOL, "uint8_t", _dump_bool, _parse_bool),
    _scalar("BOOL16", BOOL, "uint16_t", _dump_bool, _parse_bool),
    _scalar("BOOL16_NO_VAL", BOOL, "uint16_t", _dump_bool16_no_val, _parse_bool),
    _scalar("USER_ID", STRING, "uid_t", _dump_user, _parse_id("user")),
    _scalar("GROUP_ID", STRING, "gid_t", _dump_group, _parse_id("group")),
    _scalar("JOB_REASON", STRING, "uint32_t", _dump_reason, _parse_reason),
    _scalar("NICE", INT32, "uint32_t", _dump_nice, _parse_nice),
    _scalar("CORE_SPEC", INT32, "uint16_t", _dump_core_spec, _parse_spec(False)),
    _scalar("THREAD_SPEC", INT32, "uint16_t", _dump_thread_spec, _parse_spec(True)),
    _scalar("HOLD", BOOL, "uint32_t", _dump_hold, _parse_hold),
    _scalar("ERROR", STRING, "int", _dump_error, _parse_error_name),
    _scalar("STEP_ID", STRING, "uint32_t", _dump_step_id, _parse_step_id),
    _scalar("SIGNAL", STRING, "uint16_t", _dump_signal, _parse_signal),
    _scalar("ALLOCATED_CORES", INT32, "uint32_t", _dump_allocated_cores,
            _int_in("uint32_t")),
    _scalar("ALLOCATED_CPUS", INT32, "uint32_t", _dump_allocated_cpus,
            _int_in("uint32_t")),
    _scalar("TASK_DISTRIBUTION", STRING, "uint32_t", _dump_task_distribution,
            _parse_task_distribution),
    _scalar("OVERSUBSCRIBE_JOBS", INT32, "uint16_t", _dump_int, _int_in("uint16_t")),
)

NO_VALS = (
    NoVal("UINT16_NO_VAL", "uint16_no_val", "uint16_t", NO_VAL16, INFINITE16),
    NoVal("UINT32_NO_VAL", "uint32_no_val", "uint32_t", NO_VAL, INFINITE),
    UINT64_NO_VAL_KIND,
    NoVal("INT64_NO_VAL", "int64_no_val", "int64_t", NO_VAL64 - (1 << 64),
          INFINITE64 - (1 << 64), signed=True),
    NoVal("FLOAT64_NO_VAL", "float64_no_val", "double", NO_VAL, INFINITE, floating=True),
)

ALIASES = (
    Alias("TIMESTAMP", "UINT64", "time_t", parse_override=_parse_timestamp),
    Alias("TIMESTAMP_NO_VAL", "UINT64_NO_VAL", "time_t",
          parse_override=_parse_timestamp_no_val),
    Alias("MEM_PER_CPUS", "UINT64_NO_VAL", "uint64_t", to_target=_mem_per_cpu_out,
          parse_override=_parse_mem(per_cpu=True)),
    Alias("MEM_PER_NODE", "UINT64_NO_VAL", "uint64_t", to_target=_mem_per_node_out,
          parse_override=_parse_mem(per_cpu=False)),
    Alias("PROCESS_EXIT_CODE", "PROCESS_EXIT_CODE_VERBOSE", "uint32_t",
          to_target=_exit_code_verbose, parse_override=_parse_exit_code,
          synthetic=True),
    Alias("JOB_EXCLUSIVE", "JOB_EXCLUSIVE_FLAGS", "uint16_t",
          parse_override=_parse_job_exclusive),
)

ARRAYS = (
    ArrayOf("STRING_ARRAY", "string_array", "STRING", "char **"),
    ArrayOf("CSV_STRING", "csv_string", "STRING", "char *", split=","),
    Hostlist("HOSTLIST_STRING", "hostlist_string"),
    ArrayOf("JOB_INFO_MSG", "job_info_msg", "JOB_INFO", "job_info_msg_t"),
    ArrayOf("JOB_DESC_MSG_LIST", "job_desc_msg_list", "JOB_DESC_MSG_PTR", "list_t *",
            checked=False),
    ArrayOf("OPENAPI_ERRORS", "openapi_errors", "OPENAPI_ERROR_PTR", "list_t *",
            checked=False),
    ArrayOf("OPENAPI_WARNINGS", "openapi_warnings", "OPENAPI_WARNING_PTR", "list_t *",
            checked=False),
    ArrayOf("JOB_ARRAY_RESPONSE_ARRAY", "job_array_response_array",
            "JOB_ARRAY_RESPONSE_MSG_ENTRY", "JOB_ARRAY_RESPONSE_MSG_entry_t *"),
)

POINTERS = (
    Pointer("OPENAPI_META_PTR", "OPENAPI_META"),
    Pointer("OPENAPI_ERROR_PTR", "OPENAPI_ERROR"),
    Pointer("OPENAPI_WARNING_PTR", "OPENAPI_WARNING"),
    Pointer("JOB_RES_PTR", "JOB_RES"),
    Pointer("JOB_INFO_MSG_PTR", "JOB_INFO_MSG"),
    Pointer("JOB_DESC_MSG_PTR", "JOB_DESC_MSG"),
    Pointer("CRON_ENTRY_PTR", "CRON_ENTRY"),
    Pointer("JOB_DESC_MSG_CRON_ENTRY", "CRON_ENTRY_PTR", parse_override=_parse_cron_entry),
    Pointer("JOB_ARRAY_RESPONSE_MSG_PTR", "JOB_ARRAY_RESPONSE_MSG"),
    Pointer("JOB_ARRAY_RESPONSE_MSG", "JOB_ARRAY_RESPONSE_ARRAY"),
)

REMOVED = (
    Removed("POWER_FLAGS", "power_flags", {"type": "array", "items": {}, "deprecated": True},
            empty=[]),
    Removed("EXT_SENSORS_DATA", "ext_sensors_data",
            {"type": "object", "properties": {}, "deprecated": True}, empty={}),
    Removed("POWER_MGMT_DATA", "power_mgmt_data",
            {"type": "object", "properties": {}, "deprecated": True}, empty={}),
)


def _complex(name, dump, parse=None, *, openapi=None, target=None, component=None,
             item=None):
    return Special(name, dump, parse, openapi=openapi, target=target,
                   component=component, item=item, complex=True)


_ARGV = _env_member("argv", "argc")
_ENV = _env_member("environment", "env_size")
_SPANK_ENV = _env_member("spank_job_env", "spank_job_env_size")
_RLIMITS = {name: _rlimit(name) for name in
            ("cpu", "fsize", "data", "stack", "core", "rss", "nproc", "nofile",
             "memlock", "as")}

COMPLEX = (
    _complex("JOB_INFO_STDIN", _job_stdio("stdin"), openapi=STRING),
    _complex("JOB_INFO_STDOUT", _job_stdio("stdout"), openapi=STRING),
    _complex("JOB_INFO_STDERR", _job_stdio("stderr"), openapi=STRING),
    _complex("JOB_INFO_GRES_DETAIL", _dump_gres_detail, component="job_info_gres_detail",
             item="STRING"),
    _complex("JOB_RES_NODES", _dump_job_res_nodes, component="job_res_nodes", item=""),
    _complex("JOB_DESC_MSG_ARGV", _ARGV[1], _ARGV[0], target="STRING_ARRAY"),
    _complex("JOB_DESC_MSG_ENV", _ENV[1], _ENV[0], target="STRING_ARRAY"),
    _complex("JOB_DESC_MSG_SPANK_ENV", _SPANK_ENV[1], _SPANK_ENV[0], target="STRING_ARRAY"),
    _complex("JOB_DESC_MSG_CPU_FREQ", _dump_cpu_freq, _parse_cpu_freq, openapi=STRING),
    _complex("JOB_DESC_MSG_NODES", _dump_job_desc_nodes, _parse_job_desc_nodes,
             openapi=STRING),
    *(_complex(f"JOB_DESC_MSG_RLIMIT_{name.upper()}", dump, parse, target="UINT64_NO_VAL")
      for name, (parse, dump) in _RLIMITS.items()),
)


FLAG_KINDS = (
    Flags("JOB_STATE", "job_state", "uint32_t", (
        FlagBit("PENDING", "equal", "JOB_PENDING", 0x0, "JOB_STATE_BASE", 0xff),
        FlagBit("RUNNING", "equal", "JOB_RUNNING", 0x1, "JOB_STATE_BASE", 0xff),
        FlagBit("SUSPENDED", "equal", "JOB_SUSPENDED", 0x2, "JOB_STATE_BASE", 0xff),
        FlagBit("COMPLETED", "equal", "JOB_COMPLETE", 0x3, "JOB_STATE_BASE", 0xff),
        FlagBit("CANCELLED", "equal", "JOB_CANCELLED", 0x4, "JOB_STATE_BASE", 0xff),
        FlagBit("FAILED", "equal", "JOB_FAILED", 0x5, "JOB_STATE_BASE", 0xff),
        FlagBit("TIMEOUT", "equal", "JOB_TIMEOUT", 0x6, "JOB_STATE_BASE", 0xff),
        FlagBit("NODE_FAIL", "equal", "JOB_NODE_FAIL", 0x7, "JOB_STATE_BASE", 0xff),
        FlagBit("PREEMPTED", "equal", "JOB_PREEMPTED", 0x8, "JOB_STATE_BASE", 0xff),
        FlagBit("BOOT_FAIL", "equal", "JOB_BOOT_FAIL", 0x9, "JOB_STATE_BASE", 0xff),
        FlagBit("DEADLINE", "equal", "JOB_DEADLINE", 0xa, "JOB_STATE_BASE", 0xff),
        FlagBit("OUT_OF_MEMORY", "equal", "JOB_OOM", 0xb, "JOB_STATE_BASE", 0xff),
        FlagBit("invalid-placeholder", "equal", "JOB_END", 0xc, "JOB_STATE_BASE", 0xff, hidden=True),
        FlagBit("LAUNCH_FAILED", "bit", "JOB_LAUNCH_FAILED", 0x100, "JOB_STATE_FLAGS", 0xffffff00),
        FlagBit("REQUEUED", "bit", "JOB_REQUEUE", 0x400, "JOB_STATE_FLAGS", 0xffffff00),
        FlagBit("REQUEUE_HOLD", "bit", "JOB_REQUEUE_HOLD", 0x800, "JOB_STATE_FLAGS", 0xffffff00),
        FlagBit("SPECIAL_EXIT", "bit", "JOB_SPECIAL_EXIT", 0x1000, "JOB_STATE_FLAGS", 0xffffff00),
        FlagBit("RESIZING", "bit", "JOB_RESIZING", 0x2000, "JOB_STATE_FLAGS", 0xffffff00),
        FlagBit("CONFIGURING", "bit", "JOB_CONFIGURING", 0x4000, "JOB_STATE_FLAGS", 0xffffff00),
        FlagBit("COMPLETING", "bit", "JOB_COMPLETING", 0x8000, "JOB_STATE_FLAGS", 0xffffff00),
        FlagBit("STOPPED", "bit", "JOB_STOPPED", 0x10000, "JOB_STATE_FLAGS", 0xffffff00),
        FlagBit("RECONFIG_FAIL", "bit", "JOB_RECONFIG_FAIL", 0x20000, "JOB_STATE_FLAGS", 0xffffff00),
        FlagBit("POWER_UP_NODE", "bit", "JOB_POWER_UP_NODE", 0x40000, "JOB_STATE_FLAGS", 0xffffff00),
        FlagBit("REVOKED", "bit", "JOB_REVOKED", 0x80000, "JOB_STATE_FLAGS", 0xffffff00),
        FlagBit("REQUEUE_FED", "bit", "JOB_REQUEUE_FED", 0x100000, "JOB_STATE_FLAGS", 0xffffff00),
        FlagBit("RESV_DEL_HOLD", "bit", "JOB_RESV_DEL_HOLD", 0x200000, "JOB_STATE_FLAGS", 0xffffff00),
        FlagBit("SIGNALING", "bit", "JOB_SIGNALING", 0x400000, "JOB_STATE_FLAGS", 0xffffff00),
        FlagBit("STAGE_OUT", "bit", "JOB_STAGE_OUT", 0x800000, "JOB_STATE_FLAGS", 0xffffff00),
    )),
    Flags("PROCESS_EXIT_CODE_STATUS", "process_exit_code_status", "uint32_t", (
        FlagBit("INVALID", "equal", "PROC_EXIT_CODE_INVALID", 0x0, "INFINITE", 0xffffffff),
        FlagBit("PENDING", "equal", "PROC_EXIT_CODE_PENDING", 0x1, "INFINITE", 0xffffffff),
        FlagBit("SUCCESS", "equal", "PROC_EXIT_CODE_SUCCESS", 0x2, "INFINITE", 0xffffffff),
        FlagBit("ERROR", "equal", "PROC_EXIT_CODE_ERROR", 0x3, "INFINITE", 0xffffffff),
        FlagBit("SIGNALED", "equal", "PROC_EXIT_CODE_SIGNALED", 0x4, "INFINITE", 0xffffffff),
        FlagBit("CORE_DUMPED", "equal", "PROC_EXIT_CODE_CORE_DUMPED", 0x5, "INFINITE", 0xffffffff),
        FlagBit("INVALID2", "equal", "PROC_EXIT_CODE_INVALID_MAX", 0x6, "INFINITE", 0xffffffff, hidden=True),
    )),
    Flags("STEP_NAMES", "step_names", "uint32_t", (
        FlagBit("TBD", "equal", "SLURM_PENDING_STEP", 0xfffffffd, "INFINITE", 0xffffffff),
        FlagBit("extern", "equal", "SLURM_EXTERN_CONT", 0xfffffffc, "INFINITE", 0xffffffff),
        FlagBit("batch", "equal", "SLURM_BATCH_SCRIPT", 0xfffffffb, "INFINITE", 0xffffffff),
        FlagBit("interactive", "equal", "SLURM_INTERACTIVE_STEP", 0xfffffffa, "INFINITE", 0xffffffff),
    )),
    Flags("JOB_FLAGS", "job_flags", "uint64_t", (
        FlagBit("KILL_INVALID_DEPENDENCY", "bit", "KILL_INV_DEP", 0x1, "INFINITE64", 0xffffffffffffffff),
        FlagBit("NO_KILL_INVALID_DEPENDENCY", "bit", "NO_KILL_INV_DEP", 0x2, "INFINITE64", 0xffffffffffffffff),
        FlagBit("HAS_STATE_DIRECTORY", "bit", "HAS_STATE_DIR", 0x4, "INFINITE64", 0xffffffffffffffff),
        FlagBit("TESTING_BACKFILL", "bit", "BACKFILL_TEST", 0x8, "INFINITE64", 0xffffffffffffffff),
        FlagBit("GRES_BINDING_ENFORCED", "bit", "GRES_ENFORCE_BIND", 0x10, "INFINITE64", 0xffffffffffffffff),
        FlagBit("TEST_NOW_ONLY", "bit", "TEST_NOW_ONLY", 0x20, "INFINITE64", 0xffffffffffffffff),
        FlagBit("SEND_JOB_ENVIRONMENT", "bit", "JOB_SEND_ENV", 0x40, "INFINITE64", 0xffffffffffffffff),
        FlagBit("SPREAD_JOB", "bit", "SPREAD_JOB", 0x100, "INFINITE64", 0xffffffffffffffff),
        FlagBit("PREFER_MINIMUM_NODE_COUNT", "bit", "USE_MIN_NODES", 0x200, "INFINITE64", 0xffffffffffffffff),
        FlagBit("JOB_KILL_HURRY", "bit", "JOB_KILL_HURRY", 0x400, "INFINITE64", 0xffffffffffffffff),
        FlagBit("SKIP_TRES_STRING_ACCOUNTING", "bit", "TRES_STR_CALC", 0x800, "INFINITE64", 0xffffffffffffffff),
        FlagBit("SIBLING_CLUSTER_UPDATE_ONLY", "bit", "SIB_JOB_FLUSH", 0x1000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("HETEROGENEOUS_JOB", "bit", "HET_JOB_FLAG", 0x2000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("EXACT_TASK_COUNT_REQUESTED", "bit", "JOB_NTASKS_SET", 0x4000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("EXACT_CPU_COUNT_REQUESTED", "bit", "JOB_CPUS_SET", 0x8000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("TESTING_WHOLE_NODE_BACKFILL", "bit", "BF_WHOLE_NODE_TEST", 0x10000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("TOP_PRIORITY_JOB", "bit", "TOP_PRIO_TMP", 0x20000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("ACCRUE_COUNT_CLEARED", "bit", "JOB_ACCRUE_OVER", 0x40000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("GRES_BINDING_DISABLED", "bit", "GRES_DISABLE_BIND", 0x80000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("JOB_WAS_RUNNING", "bit", "JOB_WAS_RUNNING", 0x100000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("JOB_ACCRUE_TIME_RESET", "bit", "RESET_ACCRUE_TIME", 0x200000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("CRON_JOB", "bit", "CRON_JOB", 0x400000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("EXACT_MEMORY_REQUESTED", "bit", "JOB_MEM_SET", 0x800000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("USING_DEFAULT_ACCOUNT", "bit", "USE_DEFAULT_ACCT", 0x2000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("USING_DEFAULT_PARTITION", "bit", "USE_DEFAULT_PART", 0x4000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("USING_DEFAULT_QOS", "bit", "USE_DEFAULT_QOS", 0x8000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("USING_DEFAULT_WCKEY", "bit", "USE_DEFAULT_WCKEY", 0x10000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("DEPENDENT", "bit", "JOB_DEPENDENT", 0x20000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("MAGNETIC", "bit", "JOB_MAGNETIC", 0x40000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("PARTITION_ASSIGNED", "bit", "JOB_PART_ASSIGNED", 0x80000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("BACKFILL_ATTEMPTED", "bit", "BACKFILL_SCHED", 0x100000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("SCHEDULING_ATTEMPTED", "bit", "BACKFILL_LAST", 0x200000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("SAVE_BATCH_SCRIPT", "bit", "JOB_SEND_SCRIPT", 0x800000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("GRES_ONE_TASK_PER_SHARING", "bit", "GRES_ONE_TASK_PER_SHARING", 0x4000000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("GRES_MULTIPLE_TASKS_PER_SHARING", "bit", "GRES_MULT_TASKS_PER_SHARING", 0x8000000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("GRES_ALLOW_TASK_SHARING", "bit", "GRES_ALLOW_TASK_SHARING", 0x10000000000, "INFINITE64", 0xffffffffffffffff),
    )),
    Flags("JOB_MAIL_FLAGS", "job_mail_flags", "uint16_t", (
        FlagBit("BEGIN", "bit", "MAIL_JOB_BEGIN", 0x1, "INFINITE64", 0xffffffffffffffff),
        FlagBit("END", "bit", "MAIL_JOB_END", 0x2, "INFINITE64", 0xffffffffffffffff),
        FlagBit("FAIL", "bit", "MAIL_JOB_FAIL", 0x4, "INFINITE64", 0xffffffffffffffff),
        FlagBit("REQUEUE", "bit", "MAIL_JOB_REQUEUE", 0x8, "INFINITE64", 0xffffffffffffffff),
        FlagBit("TIME=100%", "bit", "MAIL_JOB_TIME100", 0x10, "INFINITE64", 0xffffffffffffffff),
        FlagBit("TIME=90%", "bit", "MAIL_JOB_TIME90", 0x20, "INFINITE64", 0xffffffffffffffff),
        FlagBit("TIME=80%", "bit", "MAIL_JOB_TIME80", 0x40, "INFINITE64", 0xffffffffffffffff),
        FlagBit("TIME=50%", "bit", "MAIL_JOB_TIME50", 0x80, "INFINITE64", 0xffffffffffffffff),
        FlagBit("STAGE_OUT", "bit", "MAIL_JOB_STAGE_OUT", 0x100, "INFINITE64", 0xffffffffffffffff),
        FlagBit("ARRAY_TASKS", "bit", "MAIL_ARRAY_TASKS", 0x200, "INFINITE64", 0xffffffffffffffff),
        FlagBit("INVALID_DEPENDENCY", "bit", "MAIL_INVALID_DEPEND", 0x400, "INFINITE64", 0xffffffffffffffff),
    )),
    Flags("JOB_SHARED", "job_shared", "uint16_t", (
        FlagBit("none", "equal", "JOB_SHARED_NONE", 0x0, "INFINITE16", 0xffff),
        FlagBit("oversubscribe", "equal", "JOB_SHARED_OK", 0x1, "INFINITE16", 0xffff),
        FlagBit("user", "equal", "JOB_SHARED_USER", 0x2, "INFINITE16", 0xffff),
        FlagBit("mcs", "equal", "JOB_SHARED_MCS", 0x3, "INFINITE16", 0xffff),
    )),
    Flags("JOB_EXCLUSIVE_FLAGS", "job_exclusive_flags", "uint16_t", (
        FlagBit("true", "equal", "JOB_SHARED_NONE", 0x0, "INFINITE16", 0xffff),
        FlagBit("false", "equal", "JOB_SHARED_OK", 0x1, "INFINITE16", 0xffff),
        FlagBit("user", "equal", "JOB_SHARED_USER", 0x2, "INFINITE16", 0xffff),
        FlagBit("mcs", "equal", "JOB_SHARED_MCS", 0x3, "INFINITE16", 0xffff),
    )),
    Flags("ACCT_GATHER_PROFILE", "acct_gather_profile", "uint32_t", (
        FlagBit("NOT_SET", "equal", "ACCT_GATHER_PROFILE_NOT_SET", 0x0, "INFINITE", 0xffffffff),
        FlagBit("NONE", "equal", "ACCT_GATHER_PROFILE_NONE", 0x1, "INFINITE", 0xffffffff),
        FlagBit("ENERGY", "bit", "ACCT_GATHER_PROFILE_ENERGY", 0x2, "INFINITE64", 0xffffffffffffffff),
        FlagBit("LUSTRE", "bit", "ACCT_GATHER_PROFILE_LUSTRE", 0x8, "INFINITE64", 0xffffffffffffffff),
        FlagBit("NETWORK", "bit", "ACCT_GATHER_PROFILE_NETWORK", 0x10, "INFINITE64", 0xffffffffffffffff),
        FlagBit("TASK", "bit", "ACCT_GATHER_PROFILE_TASK", 0x4, "INFINITE64", 0xffffffffffffffff),
    )),
    Flags("CPU_BINDING_FLAGS", "cpu_binding_flags", "uint16_t", (
        FlagBit("CPU_BIND_TO_THREADS", "equal", "CPU_BIND_TO_THREADS", 0x2, "CPU_BIND_T_TO_MASK", 0x1e),
        FlagBit("CPU_BIND_TO_CORES", "equal", "CPU_BIND_TO_CORES", 0x4, "CPU_BIND_T_TO_MASK", 0x1e),
        FlagBit("CPU_BIND_TO_SOCKETS", "equal", "CPU_BIND_TO_SOCKETS", 0x8, "CPU_BIND_T_TO_MASK", 0x1e),
        FlagBit("CPU_BIND_TO_LDOMS", "equal", "CPU_BIND_TO_LDOMS", 0x10, "CPU_BIND_T_TO_MASK", 0x1e),
        FlagBit("CPU_BIND_NONE", "equal", "CPU_BIND_NONE", 0x20, "CPU_BIND_T_MASK", 0xfe0),
        FlagBit("CPU_BIND_RANK", "removed"),
        FlagBit("CPU_BIND_MAP", "equal", "CPU_BIND_MAP", 0x80, "CPU_BIND_T_MASK", 0xfe0),
        FlagBit("CPU_BIND_MASK", "equal", "CPU_BIND_MASK", 0x100, "CPU_BIND_T_MASK", 0xfe0),
        FlagBit("CPU_BIND_LDRANK", "equal", "CPU_BIND_LDRANK", 0x200, "CPU_BIND_T_MASK", 0xfe0),
        FlagBit("CPU_BIND_LDMAP", "equal", "CPU_BIND_LDMAP", 0x400, "CPU_BIND_T_MASK", 0xfe0),
        FlagBit("CPU_BIND_LDMASK", "equal", "CPU_BIND_LDMASK", 0x800, "CPU_BIND_T_MASK", 0xfe0),
        FlagBit("VERBOSE", "bit", "CPU_BIND_VERBOSE", 0x1, "CPU_BIND_VERBOSE", 0x1),
        FlagBit("CPU_BIND_ONE_THREAD_PER_CORE", "bit", "CPU_BIND_ONE_THREAD_PER_CORE", 0x2000, "CPU_BIND_ONE_THREAD_PER_CORE", 0x2000),
    )),
    Flags("MEMORY_BINDING_TYPE", "memory_binding_type", "uint16_t", (
        FlagBit("NONE", "equal", "MEM_BIND_NONE", 0x2, "MEM_BIND_TYPE_MASK", 0x3e),
        FlagBit("RANK", "equal", "MEM_BIND_RANK", 0x4, "MEM_BIND_TYPE_MASK", 0x3e),
        FlagBit("MAP", "equal", "MEM_BIND_MAP", 0x8, "MEM_BIND_TYPE_MASK", 0x3e),
        FlagBit("MASK", "equal", "MEM_BIND_MASK", 0x10, "MEM_BIND_TYPE_MASK", 0x3e),
        FlagBit("LOCAL", "equal", "MEM_BIND_LOCAL", 0x20, "MEM_BIND_TYPE_MASK", 0x3e),
        FlagBit("VERBOSE", "bit", "MEM_BIND_VERBOSE", 0x1, "MEM_BIND_VERBOSE", 0x1),
        FlagBit("SORT", "bit", "MEM_BIND_SORT", 0x40, "MEM_BIND_TYPE_FLAGS_MASK", 0xc0),
        FlagBit("PREFER", "bit", "MEM_BIND_PREFER", 0x80, "MEM_BIND_TYPE_FLAGS_MASK", 0xc0),
    )),
    Flags("OPEN_MODE", "open_mode", "uint8_t", (
        FlagBit("APPEND", "bit", "OPEN_MODE_APPEND", 0x1, "INFINITE64", 0xffffffffffffffff),
        FlagBit("TRUNCATE", "bit", "OPEN_MODE_TRUNCATE", 0x2, "INFINITE64", 0xffffffffffffffff),
    )),
    Flags("WARN_FLAGS", "warn_flags", "uint16_t", (
        FlagBit("BATCH_JOB", "bit", "KILL_JOB_BATCH", 0x1, "INFINITE64", 0xffffffffffffffff),
        FlagBit("ARRAY_TASK", "bit", "KILL_ARRAY_TASK", 0x2, "INFINITE64", 0xffffffffffffffff),
        FlagBit("FULL_STEPS_ONLY", "bit", "KILL_STEPS_ONLY", 0x4, "INFINITE64", 0xffffffffffffffff),
        FlagBit("FULL_JOB", "bit", "KILL_FULL_JOB", 0x8, "INFINITE64", 0xffffffffffffffff),
        FlagBit("FEDERATION_REQUEUE", "bit", "KILL_FED_REQUEUE", 0x10, "INFINITE64", 0xffffffffffffffff),
        FlagBit("HURRY", "bit", "KILL_HURRY", 0x20, "INFINITE64", 0xffffffffffffffff),
        FlagBit("OUT_OF_MEMORY", "bit", "KILL_OOM", 0x40, "INFINITE64", 0xffffffffffffffff),
        FlagBit("NO_SIBLING_JOBS", "bit", "KILL_NO_SIBS", 0x80, "INFINITE64", 0xffffffffffffffff),
        FlagBit("RESERVATION_JOB", "bit", "KILL_JOB_RESV", 0x100, "INFINITE64", 0xffffffffffffffff),
        FlagBit("NO_CRON_JOBS", "bit", "KILL_NO_CRON", 0x200, "INFINITE64", 0xffffffffffffffff),
        FlagBit("VERBOSE", "bit", "KILL_JOBS_VERBOSE", 0x800, "INFINITE64", 0xffffffffffffffff),
        FlagBit("CRON_JOBS", "bit", "KILL_CRON", 0x1000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("WARNING_SENT", "bit", "WARN_SENT", 0x8000, "INFINITE64", 0xffffffffffffffff),
    )),
    Flags("X11_FLAGS", "x11_flags", "uint16_t", (
        FlagBit("FORWARD_ALL_NODES", "bit", "X11_FORWARD_ALL", 0x1, "INFINITE64", 0xffffffffffffffff),
        FlagBit("BATCH_NODE", "bit", "X11_FORWARD_BATCH", 0x2, "INFINITE64", 0xffffffffffffffff),
        FlagBit("FIRST_NODE", "bit", "X11_FORWARD_FIRST", 0x4, "INFINITE64", 0xffffffffffffffff),
        FlagBit("LAST_NODE", "bit", "X11_FORWARD_LAST", 0x8, "INFINITE64", 0xffffffffffffffff),
    )),
    Flags("CRON_ENTRY_FLAGS", "cron_entry_flags", "uint32_t", (
        FlagBit("WILD_MINUTE", "bit", "CRON_WILD_MINUTE", 0x2, "INFINITE64", 0xffffffffffffffff),
        FlagBit("WILD_HOUR", "bit", "CRON_WILD_HOUR", 0x4, "INFINITE64", 0xffffffffffffffff),
        FlagBit("WILD_DAY_OF_MONTH", "bit", "CRON_WILD_DOM", 0x8, "INFINITE64", 0xffffffffffffffff),
        FlagBit("WILD_MONTH", "bit", "CRON_WILD_MONTH", 0x10, "INFINITE64", 0xffffffffffffffff),
        FlagBit("WILD_DAY_OF_WEEK", "bit", "CRON_WILD_DOW", 0x20, "INFINITE64", 0xffffffffffffffff),
    )),
    Flags("JOB_SHOW_FLAGS", "job_show_flags", "uint16_t", (
        FlagBit("ALL", "bit", "SHOW_ALL", 0x1, "INFINITE64", 0xffffffffffffffff),
        FlagBit("DETAIL", "bit", "SHOW_DETAIL", 0x2, "INFINITE64", 0xffffffffffffffff),
        FlagBit("MIXED", "bit", "SHOW_MIXED", 0x8, "INFINITE64", 0xffffffffffffffff),
        FlagBit("LOCAL", "bit", "SHOW_LOCAL", 0x10, "INFINITE64", 0xffffffffffffffff),
        FlagBit("SIBLING", "bit", "SHOW_SIBLING", 0x20, "INFINITE64", 0xffffffffffffffff),
        FlagBit("FEDERATION", "bit", "SHOW_FEDERATION", 0x40, "INFINITE64", 0xffffffffffffffff),
        FlagBit("FUTURE", "bit", "SHOW_FUTURE", 0x80, "INFINITE64", 0xffffffffffffffff),
    )),
    Flags("NODE_STATES", "node_states", "uint32_t", (
        FlagBit("INVALID", "equal", "NO_VAL", 0xfffffffe, "INFINITE", 0xffffffff),
        FlagBit("UNKNOWN", "equal", "NODE_STATE_UNKNOWN", 0x0, "NODE_STATE_BASE", 0xf),
        FlagBit("DOWN", "equal", "NODE_STATE_DOWN", 0x1, "NODE_STATE_BASE", 0xf),
        FlagBit("IDLE", "equal", "NODE_STATE_IDLE", 0x2, "NODE_STATE_BASE", 0xf),
        FlagBit("ALLOCATED", "equal", "NODE_STATE_ALLOCATED", 0x3, "NODE_STATE_BASE", 0xf),
        FlagBit("ERROR", "equal", "NODE_STATE_ERROR", 0x4, "NODE_STATE_BASE", 0xf),
        FlagBit("MIXED", "equal", "NODE_STATE_MIXED", 0x5, "NODE_STATE_BASE", 0xf),
        FlagBit("FUTURE", "equal", "NODE_STATE_FUTURE", 0x6, "NODE_STATE_BASE", 0xf),
        FlagBit("RESERVED", "bit", "NODE_STATE_RES", 0x20, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("UNDRAIN", "bit", "NODE_STATE_UNDRAIN", 0x40, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("CLOUD", "bit", "NODE_STATE_CLOUD", 0x80, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("RESUME", "bit", "NODE_RESUME", 0x100, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("DRAIN", "bit", "NODE_STATE_DRAIN", 0x200, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("COMPLETING", "bit", "NODE_STATE_COMPLETING", 0x400, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("NOT_RESPONDING", "bit", "NODE_STATE_NO_RESPOND", 0x800, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("POWERED_DOWN", "bit", "NODE_STATE_POWERED_DOWN", 0x1000, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("FAIL", "bit", "NODE_STATE_FAIL", 0x2000, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("POWERING_UP", "bit", "NODE_STATE_POWERING_UP", 0x4000, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("MAINTENANCE", "bit", "NODE_STATE_MAINT", 0x8000, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("REBOOT_REQUESTED", "bit", "NODE_STATE_REBOOT_REQUESTED", 0x10000, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("REBOOT_CANCELED", "bit", "NODE_STATE_REBOOT_CANCEL", 0x20000, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("POWERING_DOWN", "bit", "NODE_STATE_POWERING_DOWN", 0x40000, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("DYNAMIC_FUTURE", "bit", "NODE_STATE_DYNAMIC_FUTURE", 0x80000, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("REBOOT_ISSUED", "bit", "NODE_STATE_REBOOT_ISSUED", 0x100000, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("PLANNED", "bit", "NODE_STATE_PLANNED", 0x200000, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("INVALID_REG", "bit", "NODE_STATE_INVALID_REG", 0x400000, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("POWER_DOWN", "bit", "NODE_STATE_POWER_DOWN", 0x800000, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("POWER_UP", "bit", "NODE_STATE_POWER_UP", 0x1000000, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("POWER_DRAIN", "bit", "NODE_STATE_POWER_DRAIN", 0x2000000, "NODE_STATE_FLAGS", 0xfffffff0),
        FlagBit("DYNAMIC_NORM", "bit", "NODE_STATE_DYNAMIC_NORM", 0x4000000, "NODE_STATE_FLAGS", 0xfffffff0),
    )),
    Flags("PARTITION_STATES", "partition_states", "uint16_t", (
        FlagBit("INACTIVE", "equal", "PARTITION_INACTIVE", 0x0, "INFINITE16", 0xffff),
        FlagBit("UNKNOWN", "equal", "NO_VAL16", 0xfffe, "INFINITE16", 0xffff),
        FlagBit("UP", "equal", "PARTITION_UP", 0x3, "INFINITE16", 0xffff),
        FlagBit("DOWN", "equal", "PARTITION_DOWN", 0x1, "INFINITE16", 0xffff),
        FlagBit("DRAIN", "equal", "PARTITION_DRAIN", 0x2, "INFINITE16", 0xffff),
    )),
    Flags("OVERSUBSCRIBE_FLAGS", "oversubscribe_flags", "uint16_t", (
        FlagBit("force", "bit", "SHARED_FORCE", 0x8000, "INFINITE64", 0xffffffffffffffff),
    )),
    Flags("RESERVATION_FLAGS", "reservation_flags", "uint64_t", (
        FlagBit("MAINT", "bit", "RESERVE_FLAG_MAINT", 0x1, "INFINITE64", 0xffffffffffffffff),
        FlagBit("NO_MAINT", "bit", "RESERVE_FLAG_NO_MAINT", 0x2, "INFINITE64", 0xffffffffffffffff),
        FlagBit("DAILY", "bit", "RESERVE_FLAG_DAILY", 0x4, "INFINITE64", 0xffffffffffffffff),
        FlagBit("NO_DAILY", "bit", "RESERVE_FLAG_NO_DAILY", 0x8, "INFINITE64", 0xffffffffffffffff),
        FlagBit("WEEKLY", "bit", "RESERVE_FLAG_WEEKLY", 0x10, "INFINITE64", 0xffffffffffffffff),
        FlagBit("NO_WEEKLY", "bit", "RESERVE_FLAG_NO_WEEKLY", 0x20, "INFINITE64", 0xffffffffffffffff),
        FlagBit("IGNORE_JOBS", "bit", "RESERVE_FLAG_IGN_JOBS", 0x40, "INFINITE64", 0xffffffffffffffff),
        FlagBit("NO_IGNORE_JOBS", "bit", "RESERVE_FLAG_NO_IGN_JOB", 0x80, "INFINITE64", 0xffffffffffffffff),
        FlagBit("ANY_NODES", "bit", "RESERVE_FLAG_ANY_NODES", 0x100, "INFINITE64", 0xffffffffffffffff),
        FlagBit("STATIC", "bit", "RESERVE_FLAG_STATIC", 0x400, "INFINITE64", 0xffffffffffffffff),
        FlagBit("NO_STATIC", "bit", "RESERVE_FLAG_NO_STATIC", 0x800, "INFINITE64", 0xffffffffffffffff),
        FlagBit("PART_NODES", "bit", "RESERVE_FLAG_PART_NODES", 0x1000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("NO_PART_NODES", "bit", "RESERVE_FLAG_NO_PART_NODES", 0x2000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("OVERLAP", "bit", "RESERVE_FLAG_OVERLAP", 0x4000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("SPEC_NODES", "bit", "RESERVE_FLAG_SPEC_NODES", 0x8000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("TIME_FLOAT", "bit", "RESERVE_FLAG_TIME_FLOAT", 0x20000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("REPLACE", "bit", "RESERVE_FLAG_REPLACE", 0x40000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("ALL_NODES", "bit", "RESERVE_FLAG_ALL_NODES", 0x80000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("PURGE_COMP", "bit", "RESERVE_FLAG_PURGE_COMP", 0x100000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("WEEKDAY", "bit", "RESERVE_FLAG_WEEKDAY", 0x200000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("NO_WEEKDAY", "bit", "RESERVE_FLAG_NO_WEEKDAY", 0x400000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("WEEKEND", "bit", "RESERVE_FLAG_WEEKEND", 0x800000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("NO_WEEKEND", "bit", "RESERVE_FLAG_NO_WEEKEND", 0x1000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("FLEX", "bit", "RESERVE_FLAG_FLEX", 0x2000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("NO_FLEX", "bit", "RESERVE_FLAG_NO_FLEX", 0x4000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("DURATION_PLUS", "bit", "RESERVE_FLAG_DUR_PLUS", 0x8000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("DURATION_MINUS", "bit", "RESERVE_FLAG_DUR_MINUS", 0x10000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("NO_HOLD_JOBS_AFTER_END", "bit", "RESERVE_FLAG_NO_HOLD_JOBS", 0x20000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("NO_PURGE_COMP", "bit", "RESERVE_FLAG_NO_PURGE_COMP", 0x80000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("MAGNETIC", "bit", "RESERVE_FLAG_MAGNETIC", 0x100000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("SKIP", "bit", "RESERVE_FLAG_SKIP", 0x400000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("HOURLY", "bit", "RESERVE_FLAG_HOURLY", 0x800000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("NO_HOURLY", "bit", "RESERVE_FLAG_NO_HOURLY", 0x1000000000, "INFINITE64", 0xffffffffffffffff),
        FlagBit("REOCCURRING", "bit", "RESERVE_REOCCURRING", 0x800a00014, "INFINITE64", 0xffffffffffffffff),
    )),
)

FLAG_KINDS += (
    Flags("ASSOC_SHARES_OBJ_WRAP_TYPE", "assoc_shares_obj_wrap_type", "uint16_t", (
        FlagBit("USER", "equal", "1", 0x1, "INFINITE16", 0xffff),
        FlagBit("ASSOCIATION", "equal", "0", 0x0, "INFINITE16", 0xffff),
    )),
)

STEP_NAMES_KIND = next(k for k in FLAG_KINDS if k.name == "STEP_NAMES")
JOB_EXCLUSIVE_FLAGS_KIND = next(k for k in FLAG_KINDS if k.name == "JOB_EXCLUSIVE_FLAGS")


# --- nodes, partitions, pings, licenses, diag, reservations, shares, kill -----------

def _node_select(what: str, openapi):
    """NODE_SELECT_*: slurm_get_select_nodeinfo() values of a node_info_t."""
    def dump(node, services, get):
        return services.node_select(node, what, get)
    return Special(f"NODE_SELECT_{what.upper()}", dump, openapi=openapi, complex=True)


def _dump_ping_mode(value, services):
    """DUMP(CONTROLLER_PING_MODE): the controller's offset in SlurmctldHost."""
    mode = int(value or 0)
    if mode == 0:
        return "primary"
    if mode == 1 and services.controller_count() == 2:
        return "backup"
    return f"backup{mode}"


def _dump_ping_result(value, services):
    return "UP" if value else "DOWN"


def _stats_ratio(numerator: str, denominator: str):
    """STATS_MSG_*_MEAN: sum / counter, 0 without a counter (integer division)."""
    def dump(stats, services, get):
        count = int(get(stats, denominator) or 0)
        return int(get(stats, numerator) or 0) // count if count else 0
    return dump


def _stats_cycles_per_minute(stats, services, get):
    elapsed = int(get(stats, "req_time") or 0) - int(get(stats, "req_time_start") or 0)
    if elapsed >= 60:
        return int(get(stats, "schedule_cycle_counter") or 0) // (elapsed // 60)
    return 0


# schedule_exit_t and bf_exit_t (src/slurmctld/slurmctld.h) index order -> member
_SCHEDULE_EXIT = ("end_job_queue", "default_queue_depth", "max_job_start", "licenses",
                  "max_rpc_cnt", "max_sched_time")
_BF_EXIT = ("end_job_queue", "bf_max_job_start", "bf_max_job_test", "state_changed",
            "bf_node_space_size", "bf_max_time")


def _stats_exit(array: str, count: str, members: tuple, target: str):
    def dump(stats, services, get):
        values = get(stats, array) or ()
        size = min(int(get(stats, count) or 0), len(members))
        fields = Record((name, 0) for name in members)
        for index in range(size):
            fields[members[index]] = int(values[index])
        return V0040.dumper(target, get)(fields)
    return dump


def _stats_rpcs(kind: str):
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


def _rpcs_schema(first: tuple[str, tuple], second: tuple[str, tuple]):
    properties = {}
    for name, openapi in (first, second, ("count", INT64), ("average_time", INT64),
                          ("total_time", INT64)):
        properties[name] = {"type": openapi[0]}
        if openapi[1]:
            properties[name]["format"] = openapi[1]
    return {"type": "object", "properties": properties}


def _dump_core_specs(resv, services, get):
    """RESERVATION_INFO_CORE_SPEC: core_spec[core_spec_cnt]."""
    specs = get(resv, "core_spec")
    count = int(get(resv, "core_spec_cnt") or 0)
    if not specs or not count:
        return []
    item = V0040.dumper("RESERVATION_CORE_SPEC", get)
    return [item(specs[index]) for index in range(count)]


def _dump_kill_jobs_array(msg, services, get):
    jobs = get(msg, "jobs_array")
    count = int(get(msg, "jobs_cnt") or 0)
    return [text(jobs[index]) for index in range(count)] if jobs else []


def _parse_kill_jobs_array(data, ctx, path, out):
    values = _parse_string_array(data, ctx, path)
    out["jobs_array"] = values
    out["jobs_cnt"] = len(values)


def _dump_shares_list(resp, services, get):
    """ASSOC_SHARES_OBJ_LIST: each assoc_shares_object_t of the list, wrapped
    with the response's TRES names (assoc_shares_object_wrap_t)."""
    shares = get(resp, "assoc_shares_list")
    if shares is None:
        if not services.accounting_storage_enabled():
            dump_warning("Shares list is empty because slurm accounting storage is "
                         "disabled.")
        return []
    item = V0040.dumper("ASSOC_SHARES_OBJ_WRAP", get)
    common = {"tot_shares": get(resp, "tot_shares"), "tres_cnt": get(resp, "tres_cnt"),
              "tres_names": get(resp, "tres_names")}
    return [item(Record(obj=share, **common)) for share in shares]


def _shares_tres(member: str, item: str):
    def dump(wrap, services, get):
        names = get(wrap, "tres_names") or ()
        values = get(wrap, "obj." + member)
        count = int(get(wrap, "tres_cnt") or 0)
        entry = V0040.dumper(item, get)
        return [entry(Record(name=names[index], value=values[index] if values else 0))
                for index in range(count)]
    return dump


CONTROLLER_KINDS = (
    Pointer("ACCT_GATHER_ENERGY_PTR", "ACCT_GATHER_ENERGY"),
    Pointer("EXT_SENSORS_DATA_PTR", "EXT_SENSORS_DATA"),
    Pointer("POWER_MGMT_DATA_PTR", "POWER_MGMT_DATA"),
    ArrayOf("NODES", "nodes", "NODE", "node_info_msg_t",
            empty_warning="No nodes to dump", skip_without="name"),
    Pointer("NODES_PTR", "NODES"),
    _node_select("alloc_memory", INT64),
    _node_select("alloc_cpus", INT32),
    _node_select("alloc_idle_cpus", INT32),
    _node_select("tres_used", STRING),
    _node_select("tres_weighted", DOUBLE),
    ArrayOf("PARTITION_INFO_MSG", "partition_info_msg", "PARTITION_INFO",
            "partition_info_msg_t", empty_warning="No partitions to dump"),
    Pointer("PARTITION_INFO_MSG_PTR", "PARTITION_INFO_MSG"),
    _scalar("CONTROLLER_PING_MODE", STRING, "int", _dump_ping_mode,
            _read_only("a controller mode")),
    _scalar("CONTROLLER_PING_RESULT", STRING, "bool", _dump_ping_result,
            _read_only("a ping result")),
    ArrayOf("CONTROLLER_PING_ARRAY", "controller_ping_array", "CONTROLLER_PING",
            "controller_ping_t *"),
    ArrayOf("LICENSES", "licenses", "LICENSE", "license_info_msg_t",
            empty_warning="Zero licenses to dump"),
    Pointer("LICENSES_PTR", "LICENSES"),
    Pointer("STATS_MSG_PTR", "STATS_MSG"),
    _complex("STATS_MSG_CYCLE_MEAN", _stats_ratio("schedule_cycle_sum",
                                                  "schedule_cycle_counter"), openapi=INT64),
    _complex("STATS_MSG_CYCLE_MEAN_DEPTH", _stats_ratio("schedule_cycle_depth",
                                                        "schedule_cycle_counter"),
             openapi=INT64),
    _complex("STATS_MSG_CYCLE_PER_MIN", _stats_cycles_per_minute, openapi=INT64),
    _complex("STATS_MSG_SCHEDULE_EXIT", _stats_exit("schedule_exit", "schedule_exit_cnt",
                                                    _SCHEDULE_EXIT, "SCHEDULE_EXIT_FIELDS"),
             target="SCHEDULE_EXIT_FIELDS"),
    _complex("STATS_MSG_BF_CYCLE_MEAN", _stats_ratio("bf_cycle_sum", "bf_cycle_counter"),
             openapi=INT64),
    _complex("STATS_MSG_BF_DEPTH_MEAN", _stats_ratio("bf_depth_sum", "bf_cycle_counter"),
             openapi=INT64),
    _complex("STATS_MSG_BF_DEPTH_MEAN_TRY", _stats_ratio("bf_depth_try_sum",
                                                         "bf_cycle_counter"), openapi=INT64),
    _complex("STATS_MSG_BF_QUEUE_LEN_MEAN", _stats_ratio("bf_queue_len_sum",
                                                         "bf_cycle_counter"), openapi=INT64),
    _complex("STATS_MSG_BF_TABLE_SIZE_MEAN", _stats_ratio("bf_table_size_sum",
                                                          "bf_cycle_counter"), openapi=INT64),
    _complex("STATS_MSG_BF_ACTIVE", lambda stats, services, get: bool(get(stats, "bf_active")),
             openapi=BOOL),
    _complex("STATS_MSG_BF_EXIT", _stats_exit("bf_exit", "bf_exit_cnt", _BF_EXIT,
                                              "BF_EXIT_FIELDS"), target="BF_EXIT_FIELDS"),
    Special("STATS_MSG_RPCS_BY_TYPE", _stats_rpcs("type"), complex=True,
            component="stats_msg_rpcs_by_type", item="STATS_MSG_RPC_TYPE"),
    Special("STATS_MSG_RPCS_BY_USER", _stats_rpcs("user"), complex=True,
            component="stats_msg_rpcs_by_user", item="STATS_MSG_RPC_USER"),
    Special("STATS_MSG_RPC_TYPE", None, openapi=None, c_type="(inline)",
            schema_override=_rpcs_schema(("message_type", STRING), ("type_id", INT32))),
    Special("STATS_MSG_RPC_USER", None, openapi=None, c_type="(inline)",
            schema_override=_rpcs_schema(("user", STRING), ("user_id", INT32))),
    ArrayOf("RESERVATION_INFO_MSG", "reservation_info_msg", "RESERVATION_INFO",
            "reserve_info_msg_t"),
    Pointer("RESERVATION_INFO_MSG_PTR", "RESERVATION_INFO_MSG"),
    Special("RESERVATION_INFO_CORE_SPEC", _dump_core_specs, complex=True,
            component="reservation_info_core_spec", item="RESERVATION_CORE_SPEC"),
    Special("KILL_JOBS_MSG_JOBS_ARRAY", _dump_kill_jobs_array, _parse_kill_jobs_array,
            complex=True, component="kill_jobs_msg_jobs_array", item="STRING"),
    Pointer("SELECTED_STEP_PTR", "SELECTED_STEP"),
    ArrayOf("KILL_JOBS_RESP_MSG", "kill_jobs_resp_msg", "KILL_JOBS_RESP_JOB",
            "kill_jobs_resp_msg_t"),
    Pointer("KILL_JOBS_RESP_MSG_PTR", "KILL_JOBS_RESP_MSG"),
    Pointer("SHARES_RESP_MSG_PTR", "SHARES_RESP_MSG"),
    Special("ASSOC_SHARES_OBJ_LIST", _dump_shares_list, complex=True,
            component="assoc_shares_obj_list", item="ASSOC_SHARES_OBJ_WRAP"),
    Special("ASSOC_SHARES_OBJ_WRAP_TRES_RUN_SECS", _shares_tres("tres_run_secs",
                                                                "SHARES_UINT64_TRES"),
            complex=True, target="SHARES_UINT64_TRES_LIST"),
    Special("ASSOC_SHARES_OBJ_WRAP_TRES_GRP_MINS", _shares_tres("tres_grp_mins",
                                                                "SHARES_UINT64_TRES"),
            complex=True, target="SHARES_UINT64_TRES_LIST"),
    Special("ASSOC_SHARES_OBJ_WRAP_TRES_USAGE_RAW", _shares_tres("usage_tres_raw",
                                                                 "SHARES_FLOAT128_TRES"),
            complex=True, target="SHARES_FLOAT128_TRES_LIST"),
    ArrayOf("SHARES_UINT64_TRES_LIST", "shares_uint64_tres_list", "SHARES_UINT64_TRES",
            "list_t *", checked=False),
    ArrayOf("SHARES_FLOAT128_TRES_LIST", "shares_float128_tres_list",
            "SHARES_FLOAT128_TRES", "list_t *", checked=False),
)


def _response(name: str, c_type: str, key: str, kind: str) -> Object:
    """add_openapi_response_single(): one required member plus the envelope."""
    return Object(name, name.lower(), c_type, (
        F(key, kind, "response", required=True),
        F("meta", "OPENAPI_META_PTR", "meta"),
        F("errors", "OPENAPI_ERRORS", "errors"),
        F("warnings", "OPENAPI_WARNINGS", "warnings"),
    ))


RESPONSES = (
    _response("OPENAPI_DIAG_RESP", "openapi_resp_single_t", "statistics", "STATS_MSG_PTR"),
    _response("OPENAPI_PING_ARRAY_RESP", "openapi_resp_single_t", "pings",
              "CONTROLLER_PING_ARRAY"),
    _response("OPENAPI_SHARES_RESP", "openapi_resp_single_t", "shares",
              "SHARES_RESP_MSG_PTR"),
    _response("OPENAPI_KILL_JOBS_RESP", "openapi_resp_single_t", "status",
              "KILL_JOBS_RESP_MSG_PTR"),
)


OBJECTS = (
    Object("OPENAPI_META", "openapi_meta", "openapi_resp_meta_t", (
        F("plugin/type", "STRING", "plugin.type"),
        F("plugin/name", "STRING", "plugin.name"),
        F("plugin/data_parser", "STRING", "plugin.data_parser"),
        F("plugin/accounting_storage", "STRING", "plugin.accounting_storage"),
        F("client/source", "STRING", "client.source"),
        F("client/user", "USER_ID", "client.uid"),
        F("client/group", "GROUP_ID", "client.gid"),
        F("command", "STRING_ARRAY", "command"),
        F("slurm/version/major", "STRING", "slurm.version.major"),
        F("slurm/version/micro", "STRING", "slurm.version.micro"),
        F("slurm/version/minor", "STRING", "slurm.version.minor"),
        F("slurm/release", "STRING", "slurm.release"),
        F("slurm/cluster", "STRING", "slurm.cluster"),
    )),
    Object("OPENAPI_ERROR", "openapi_error", "openapi_resp_error_t", (
        F("description", "STRING", "description"),
        F("error_number", "INT32", "num"),
        F("error", "ERROR", "num"),
        F("source", "STRING", "source"),
    )),
    Object("OPENAPI_WARNING", "openapi_warning", "openapi_resp_warning_t", (
        F("description", "STRING", "description"),
        F("source", "STRING", "source"),
    )),
    Object("OPENAPI_RESP", "openapi_resp", "openapi_resp_single_t", (
        F("meta", "OPENAPI_META_PTR", "meta"),
        F("errors", "OPENAPI_ERRORS", "errors"),
        F("warnings", "OPENAPI_WARNINGS", "warnings"),
    )),
    Object("PROCESS_EXIT_CODE_VERBOSE", "process_exit_code_verbose", "proc_exit_code_verbose_t", (
        F("status", "PROCESS_EXIT_CODE_STATUS", "status"),
        F("return_code", "UINT32_NO_VAL", "return_code"),
        F("signal/id", "UINT16_NO_VAL", "signal"),
        F("signal/name", "SIGNAL", "signal"),
    )),
    Object("JOB_RES", "job_res", "job_resources_t", (
        F("nodes", "STRING", "nodes"),
        F("allocated_cores", "ALLOCATED_CORES", "ncpus"),
        F("allocated_cpus", "ALLOCATED_CPUS", "ncpus"),
        F("allocated_hosts", "UINT32", "nhosts"),
        F("allocated_nodes", "JOB_RES_NODES", None),
    )),
    Object("JOB_INFO", "job_info", "slurm_job_info_t", (
        F("account", "STRING", "account"),
        F("accrue_time", "TIMESTAMP_NO_VAL", "accrue_time"),
        F("admin_comment", "STRING", "admin_comment"),
        F("allocating_node", "STRING", "alloc_node"),
        F("array_job_id", "UINT32_NO_VAL", "array_job_id"),
        F("array_task_id", "UINT32_NO_VAL", "array_task_id"),
        F("array_max_tasks", "UINT32_NO_VAL", "array_max_tasks"),
        F("array_task_string", "STRING", "array_task_str"),
        F("association_id", "UINT32", "assoc_id"),
        F("batch_features", "STRING", "batch_features"),
        F("batch_flag", "BOOL16", "batch_flag"),
        F("batch_host", "STRING", "batch_host"),
        F("flags", "JOB_FLAGS", "bitflags"),
        F("burst_buffer", "STRING", "burst_buffer"),
        F("burst_buffer_state", "STRING", "burst_buffer_state"),
        F("cluster", "STRING", "cluster"),
        F("cluster_features", "STRING", "cluster_features"),
        F("command", "STRING", "command"),
        F("comment", "STRING", "comment"),
        F("container", "STRING", "container"),
        F("container_id", "STRING", "container_id"),
        F("contiguous", "BOOL16_NO_VAL", "contiguous"),
        F("core_spec", "CORE_SPEC", "core_spec"),
        F("thread_spec", "THREAD_SPEC", "core_spec"),
        F("cores_per_socket", "UINT16_NO_VAL", "cores_per_socket"),
        F("billable_tres", "FLOAT64_NO_VAL", "billable_tres"),
        F("cpus_per_task", "UINT16_NO_VAL", "cpus_per_task"),
        F("cpu_frequency_minimum", "UINT32_NO_VAL", "cpu_freq_min"),
        F("cpu_frequency_maximum", "UINT32_NO_VAL", "cpu_freq_max"),
        F("cpu_frequency_governor", "UINT32_NO_VAL", "cpu_freq_gov"),
        F("cpus_per_tres", "STRING", "cpus_per_tres"),
        F("cron", "STRING", "cronspec"),
        F("deadline", "TIMESTAMP_NO_VAL", "deadline"),
        F("delay_boot", "UINT32_NO_VAL", "delay_boot"),
        F("dependency", "STRING", "dependency"),
        F("derived_exit_code", "PROCESS_EXIT_CODE", "derived_ec"),
        F("eligible_time", "TIMESTAMP_NO_VAL", "eligible_time"),
        F("end_time", "TIMESTAMP_NO_VAL", "end_time"),
        F("excluded_nodes", "STRING", "exc_nodes"),
        F("exit_code", "PROCESS_EXIT_CODE", "exit_code"),
        F("extra", "STRING", "extra"),
        F("failed_node", "STRING", "failed_node"),
        F("features", "STRING", "features"),
        F("federation_origin", "STRING", "fed_origin_str"),
        F("federation_siblings_active", "STRING", "fed_siblings_active_str"),
        F("federation_siblings_viable", "STRING", "fed_siblings_viable_str"),
        F("gres_detail", "JOB_INFO_GRES_DETAIL", None),
        F("group_id", "UINT32", "group_id"),
        F("group_name", "GROUP_ID", "group_id"),
        F("het_job_id", "UINT32_NO_VAL", "het_job_id"),
        F("het_job_id_set", "STRING", "het_job_id_set"),
        F("het_job_offset", "UINT32_NO_VAL", "het_job_offset"),
        F("job_id", "UINT32", "job_id"),
        F("job_resources", "JOB_RES_PTR", "job_resrcs"),
        F("job_size_str", "CSV_STRING", "job_size_str"),
        F("job_state", "JOB_STATE", "job_state"),
        F("last_sched_evaluation", "TIMESTAMP_NO_VAL", "last_sched_eval"),
        F("licenses", "STRING", "licenses"),
        F("mail_type", "JOB_MAIL_FLAGS", "mail_type"),
        F("mail_user", "STRING", "mail_user"),
        F("max_cpus", "UINT32_NO_VAL", "max_cpus"),
        F("max_nodes", "UINT32_NO_VAL", "max_nodes"),
        F("mcs_label", "STRING", "mcs_label"),
        F("memory_per_tres", "STRING", "mem_per_tres"),
        F("name", "STRING", "name"),
        F("network", "STRING", "network"),
        F("nodes", "STRING", "nodes"),
        F("nice", "NICE", "nice"),
        F("tasks_per_core", "UINT16_NO_VAL", "ntasks_per_core"),
        F("tasks_per_tres", "UINT16_NO_VAL", "ntasks_per_tres"),
        F("tasks_per_node", "UINT16_NO_VAL", "ntasks_per_node"),
        F("tasks_per_socket", "UINT16_NO_VAL", "ntasks_per_socket"),
        F("tasks_per_board", "UINT16_NO_VAL", "ntasks_per_board"),
        F("cpus", "UINT32_NO_VAL", "num_cpus"),
        F("node_count", "UINT32_NO_VAL", "num_nodes"),
        F("tasks", "UINT32_NO_VAL", "num_tasks"),
        F("partition", "STRING", "partition"),
        F("prefer", "STRING", "prefer"),
        F("memory_per_cpu", "MEM_PER_CPUS", "pn_min_memory"),
        F("memory_per_node", "MEM_PER_NODE", "pn_min_memory"),
        F("minimum_cpus_per_node", "UINT16_NO_VAL", "pn_min_cpus"),
        F("minimum_tmp_disk_per_node", "UINT32_NO_VAL", "pn_min_tmp_disk"),
        F("power/flags", "POWER_FLAGS", None, removed=True),
        F("preempt_time", "TIMESTAMP_NO_VAL", "preempt_time"),
        F("preemptable_time", "TIMESTAMP_NO_VAL", "preemptable_time"),
        F("pre_sus_time", "TIMESTAMP_NO_VAL", "pre_sus_time"),
        F("hold", "HOLD", "priority"),
        F("priority", "UINT32_NO_VAL", "priority"),
        F("profile", "ACCT_GATHER_PROFILE", "profile"),
        F("qos", "STRING", "qos"),
        F("reboot", "BOOL", "reboot"),
        F("required_nodes", "STRING", "req_nodes"),
        F("minimum_switches", "UINT32", "req_switch"),
        F("requeue", "BOOL16", "requeue"),
        F("resize_time", "TIMESTAMP_NO_VAL", "resize_time"),
        F("restart_cnt", "UINT16", "restart_cnt"),
        F("resv_name", "STRING", "resv_name"),
        F("scheduled_nodes", "STRING", "sched_nodes"),
        F("selinux_context", "STRING", "selinux_context"),
        F("shared", "JOB_SHARED", "shared"),
        F("exclusive", "JOB_EXCLUSIVE", "shared", deprecated=True),
        F("oversubscribe", "BOOL16", "shared", deprecated=True),
        F("show_flags", "JOB_SHOW_FLAGS", None, removed=True),
        F("sockets_per_board", "UINT16", "sockets_per_board"),
        F("sockets_per_node", "UINT16_NO_VAL", "sockets_per_node"),
        F("start_time", "TIMESTAMP_NO_VAL", "start_time"),
        F("state_description", "STRING", "state_desc"),
        F("state_reason", "JOB_REASON", "state_reason"),
        F("standard_error", "JOB_INFO_STDERR", None),
        F("standard_input", "JOB_INFO_STDIN", None),
        F("standard_output", "JOB_INFO_STDOUT", None),
        F("submit_time", "TIMESTAMP_NO_VAL", "submit_time"),
        F("suspend_time", "TIMESTAMP_NO_VAL", "suspend_time"),
        F("system_comment", "STRING", "system_comment"),
        F("time_limit", "UINT32_NO_VAL", "time_limit"),
        F("time_minimum", "UINT32_NO_VAL", "time_min"),
        F("threads_per_core", "UINT16_NO_VAL", "threads_per_core"),
        F("tres_bind", "STRING", "tres_bind"),
        F("tres_freq", "STRING", "tres_freq"),
        F("tres_per_job", "STRING", "tres_per_job"),
        F("tres_per_node", "STRING", "tres_per_node"),
        F("tres_per_socket", "STRING", "tres_per_socket"),
        F("tres_per_task", "STRING", "tres_per_task"),
        F("tres_req_str", "STRING", "tres_req_str"),
        F("tres_alloc_str", "STRING", "tres_alloc_str"),
        F("user_id", "UINT32", "user_id"),
        F("user_name", "USER_ID", "user_id"),
        F("maximum_switch_wait_time", "UINT32", "wait4switch"),
        F("wckey", "STRING", "wckey"),
        F("current_working_directory", "STRING", "work_dir"),
    )),
    Object("OPENAPI_JOB_INFO_RESP", "openapi_job_info_resp", "openapi_resp_job_info_msg_t", (
        F("jobs", "JOB_INFO_MSG_PTR", "jobs", required=True),
        F("last_backfill", "TIMESTAMP_NO_VAL", "last_backfill", required=True),
        F("last_update", "TIMESTAMP_NO_VAL", "last_update", required=True),
        F("meta", "OPENAPI_META_PTR", "meta"),
        F("errors", "OPENAPI_ERRORS", "errors"),
        F("warnings", "OPENAPI_WARNINGS", "warnings"),
    )),
    Object("CRON_ENTRY", "cron_entry", "cron_entry_t", (
        F("flags", "CRON_ENTRY_FLAGS", "flags"),
        F("minute", "BITSTR_PTR", "minute"),
        F("hour", "BITSTR_PTR", "hour"),
        F("day_of_month", "BITSTR_PTR", "day_of_month"),
        F("month", "BITSTR_PTR", "month"),
        F("day_of_week", "BITSTR_PTR", "day_of_week"),
        F("specification", "STRING", "cronspec"),
        F("command", "STRING", "command"),
        F("line/start", "UINT32", "line_start"),
        F("line/end", "UINT32", "line_end"),
    )),
    Object("JOB_DESC_MSG", "job_desc_msg", "job_desc_msg_t", (
        F("account", "STRING", "account"),
        F("account_gather_frequency", "STRING", "acctg_freq"),
        F("admin_comment", "STRING", "admin_comment"),
        F("allocation_node_list", "STRING", "alloc_node"),
        F("allocation_node_port", "UINT16", "alloc_resp_port"),
        F("argv", "JOB_DESC_MSG_ARGV", None),
        F("array", "STRING", "array_inx"),
        F("batch_features", "STRING", "batch_features"),
        F("begin_time", "TIMESTAMP_NO_VAL", "begin_time"),
        F("flags", "JOB_FLAGS", "bitflags"),
        F("burst_buffer", "STRING", "burst_buffer"),
        F("clusters", "STRING", "clusters"),
        F("cluster_constraint", "STRING", "cluster_features"),
        F("comment", "STRING", "comment"),
        F("contiguous", "BOOL16", "contiguous"),
        F("container", "STRING", "container"),
        F("container_id", "STRING", "container_id"),
        F("cores_per_socket", "UINT16", "cores_per_socket"),
        F("core_specification", "CORE_SPEC", "core_spec"),
        F("thread_specification", "THREAD_SPEC", "core_spec"),
        F("cpu_binding", "STRING", "cpu_bind"),
        F("cpu_binding_flags", "CPU_BINDING_FLAGS", "cpu_bind_type"),
        F("cpu_frequency", "JOB_DESC_MSG_CPU_FREQ", None),
        F("cpus_per_tres", "STRING", "cpus_per_tres"),
        F("crontab", "JOB_DESC_MSG_CRON_ENTRY", "crontab_entry"),
        F("deadline", "TIMESTAMP", "deadline"),
        F("delay_boot", "UINT32", "delay_boot"),
        F("dependency", "STRING", "dependency"),
        F("end_time", "TIMESTAMP", "end_time"),
        F("environment", "JOB_DESC_MSG_ENV", None),
        F("rlimits/cpu", "JOB_DESC_MSG_RLIMIT_CPU", None),
        F("rlimits/fsize", "JOB_DESC_MSG_RLIMIT_FSIZE", None),
        F("rlimits/data", "JOB_DESC_MSG_RLIMIT_DATA", None),
        F("rlimits/stack", "JOB_DESC_MSG_RLIMIT_STACK", None),
        F("rlimits/core", "JOB_DESC_MSG_RLIMIT_CORE", None),
        F("rlimits/rss", "JOB_DESC_MSG_RLIMIT_RSS", None),
        F("rlimits/nproc", "JOB_DESC_MSG_RLIMIT_NPROC", None),
        F("rlimits/nofile", "JOB_DESC_MSG_RLIMIT_NOFILE", None),
        F("rlimits/memlock", "JOB_DESC_MSG_RLIMIT_MEMLOCK", None),
        F("rlimits/as", "JOB_DESC_MSG_RLIMIT_AS", None),
        F("excluded_nodes", "CSV_STRING", "exc_nodes"),
        F("extra", "STRING", "extra"),
        F("constraints", "STRING", "features"),
        F("group_id", "GROUP_ID", "group_id"),
        F("hetjob_group", "UINT32", "het_job_offset"),
        F("immediate", "BOOL16", "immediate"),
        F("job_id", "UINT32", "job_id"),
        F("kill_on_node_fail", "BOOL16", "kill_on_node_fail"),
        F("licenses", "STRING", "licenses"),
        F("mail_type", "JOB_MAIL_FLAGS", "mail_type"),
        F("mail_user", "STRING", "mail_user"),
        F("mcs_label", "STRING", "mcs_label"),
        F("memory_binding", "STRING", "mem_bind"),
        F("memory_binding_type", "MEMORY_BINDING_TYPE", "mem_bind_type"),
        F("memory_per_tres", "STRING", "mem_per_tres"),
        F("name", "STRING", "name"),
        F("network", "STRING", "network"),
        F("nice", "NICE", "nice"),
        F("tasks", "UINT32", "num_tasks"),
        F("open_mode", "OPEN_MODE", "open_mode"),
        F("reserve_ports", "UINT16", "other_port"),
        F("overcommit", "BOOL", "overcommit"),
        F("partition", "STRING", "partition"),
        F("distribution_plane_size", "UINT16", "plane_size"),
        F("power_flags", "POWER_FLAGS", None, removed=True),
        F("prefer", "STRING", "prefer"),
        F("hold", "HOLD", "priority"),
        F("priority", "UINT32_NO_VAL", "priority"),
        F("profile", "ACCT_GATHER_PROFILE", "profile"),
        F("qos", "STRING", "qos"),
        F("reboot", "BOOL16", "reboot"),
        F("required_nodes", "CSV_STRING", "req_nodes"),
        F("requeue", "BOOL16", "requeue"),
        F("reservation", "STRING", "reservation"),
        F("script", "STRING", "script"),
        F("shared", "JOB_SHARED", "shared"),
        F("exclusive", "JOB_EXCLUSIVE", "shared", deprecated=True),
        F("oversubscribe", "BOOL16", "shared", deprecated=True),
        F("site_factor", "UINT32", "site_factor"),
        F("spank_environment", "JOB_DESC_MSG_SPANK_ENV", None),
        F("distribution", "TASK_DISTRIBUTION", "task_dist"),
        F("time_limit", "UINT32_NO_VAL", "time_limit"),
        F("time_minimum", "UINT32_NO_VAL", "time_min"),
        F("tres_bind", "STRING", "tres_bind"),
        F("tres_freq", "STRING", "tres_freq"),
        F("tres_per_job", "STRING", "tres_per_job"),
        F("tres_per_node", "STRING", "tres_per_node"),
        F("tres_per_socket", "STRING", "tres_per_socket"),
        F("tres_per_task", "STRING", "tres_per_task"),
        F("user_id", "USER_ID", "user_id"),
        F("wait_all_nodes", "BOOL16_NO_VAL", "wait_all_nodes"),
        F("kill_warning_flags", "WARN_FLAGS", "warn_flags"),
        F("kill_warning_signal", "SIGNAL", "warn_signal"),
        F("kill_warning_delay", "UINT16_NO_VAL", "warn_time"),
        F("current_working_directory", "STRING", "work_dir"),
        F("cpus_per_task", "UINT16", "cpus_per_task"),
        F("minimum_cpus", "UINT32", "min_cpus"),
        F("maximum_cpus", "UINT32", "max_cpus"),
        F("nodes", "JOB_DESC_MSG_NODES", None),
        F("minimum_nodes", "UINT32", "min_nodes"),
        F("maximum_nodes", "UINT32", "max_nodes"),
        F("minimum_boards_per_node", "UINT16", "boards_per_node"),
        F("minimum_sockets_per_board", "UINT16", "sockets_per_board"),
        F("sockets_per_node", "UINT16", "sockets_per_node"),
        F("threads_per_core", "UINT16", "threads_per_core"),
        F("tasks_per_node", "UINT16", "ntasks_per_node"),
        F("tasks_per_socket", "UINT16", "ntasks_per_socket"),
        F("tasks_per_core", "UINT16", "ntasks_per_core"),
        F("tasks_per_board", "UINT16", "ntasks_per_board"),
        F("ntasks_per_tres", "UINT16", "ntasks_per_tres"),
        F("minimum_cpus_per_node", "UINT16", "pn_min_cpus"),
        F("memory_per_cpu", "MEM_PER_CPUS", "pn_min_memory"),
        F("memory_per_node", "MEM_PER_NODE", "pn_min_memory"),
        F("temporary_disk_per_node", "UINT32", "pn_min_tmp_disk"),
        F("selinux_context", "STRING", "req_context"),
        F("required_switches", "UINT32_NO_VAL", "req_switch"),
        F("standard_error", "STRING", "std_err"),
        F("standard_input", "STRING", "std_in"),
        F("standard_output", "STRING", "std_out"),
        F("wait_for_switch", "UINT32", "wait4switch"),
        F("wckey", "STRING", "wckey"),
        F("x11", "X11_FLAGS", "x11"),
        F("x11_magic_cookie", "STRING", "x11_magic_cookie"),
        F("x11_target_host", "STRING", "x11_target"),
        F("x11_target_port", "UINT16", "x11_target_port"),
    )),
    Object("JOB_SUBMIT_REQ", "job_submit_req", "openapi_job_submit_request_t", (
        F("script", "STRING", "script"),
        F("jobs", "JOB_DESC_MSG_LIST", "jobs"),
        F("job", "JOB_DESC_MSG_PTR", "job"),
    )),
    Object("JOB_SUBMIT_RESPONSE_MSG", "job_submit_response_msg", "submit_response_msg_t", (
        F("job_id", "UINT32", "job_id"),
        F("step_id", "STEP_ID", "step_id"),
        F("error_code", "UINT32", "error_code"),
        F("error", "ERROR", "error_code"),
        F("job_submit_user_msg", "STRING", "job_submit_user_msg"),
    )),
    Object("OPENAPI_JOB_SUBMIT_RESPONSE", "openapi_job_submit_response", "openapi_job_submit_response_t", (
        F("result", "JOB_SUBMIT_RESPONSE_MSG", "resp", deprecated=True),
        F("job_id", "UINT32", "resp.job_id"),
        F("step_id", "STEP_ID", "resp.step_id"),
        F("job_submit_user_msg", "STRING", "resp.job_submit_user_msg"),
        F("meta", "OPENAPI_META_PTR", "meta"),
        F("errors", "OPENAPI_ERRORS", "errors"),
        F("warnings", "OPENAPI_WARNINGS", "warnings"),
    )),
    Object("JOB_ARRAY_RESPONSE_MSG_ENTRY", "job_array_response_msg_entry", "JOB_ARRAY_RESPONSE_MSG_entry_t", (
        F("job_id", "UINT32", "step.step_id.job_id"),
        F("step_id", "SELECTED_STEP", "step"),
        F("error", "ERROR", "rc"),
        F("error_code", "INT32", "rc"),
        F("why", "STRING", "msg"),
    )),
    Object("OPENAPI_JOB_POST_RESPONSE", "openapi_job_post_response", "openapi_job_post_response_t", (
        F("results", "JOB_ARRAY_RESPONSE_MSG_PTR", "results"),
        F("job_id", "STRING", "job_id", deprecated=True),
        F("step_id", "STRING", "step_id", deprecated=True),
        F("job_submit_user_msg", "STRING", "job_submit_user_msg", deprecated=True),
        F("meta", "OPENAPI_META_PTR", "meta"),
        F("errors", "OPENAPI_ERRORS", "errors"),
        F("warnings", "OPENAPI_WARNINGS", "warnings"),
    )),
    Object("NODE", "node", "node_info_t", (
        F("architecture", "STRING", "arch"),
        F("burstbuffer_network_address", "STRING", "bcast_address"),
        F("boards", "UINT16", "boards"),
        F("boot_time", "TIMESTAMP_NO_VAL", "boot_time"),
        F("cluster_name", "STRING", "cluster_name"),
        F("cores", "UINT16", "cores"),
        F("specialized_cores", "UINT16", "core_spec_cnt"),
        F("cpu_binding", "UINT32", "cpu_bind"),
        F("cpu_load", "UINT32", "cpu_load"),
        F("free_mem", "UINT64_NO_VAL", "free_mem"),
        F("cpus", "UINT16", "cpus"),
        F("effective_cpus", "UINT16", "cpus_efctv"),
        F("specialized_cpus", "STRING", "cpu_spec_list"),
        F("energy", "ACCT_GATHER_ENERGY_PTR", "energy"),
        F("external_sensors", "EXT_SENSORS_DATA_PTR", None, removed=True),
        F("extra", "STRING", "extra"),
        F("power", "POWER_MGMT_DATA_PTR", None, removed=True),
        F("features", "CSV_STRING", "features"),
        F("active_features", "CSV_STRING", "features_act"),
        F("gres", "STRING", "gres"),
        F("gres_drained", "STRING", "gres_drain"),
        F("gres_used", "STRING", "gres_used"),
        F("instance_id", "STRING", "instance_id"),
        F("instance_type", "STRING", "instance_type"),
        F("last_busy", "TIMESTAMP_NO_VAL", "last_busy"),
        F("mcs_label", "STRING", "mcs_label"),
        F("specialized_memory", "UINT64", "mem_spec_limit"),
        F("name", "STRING", "name"),
        F("next_state_after_reboot", "NODE_STATES", "next_state"),
        F("address", "STRING", "node_addr"),
        F("hostname", "STRING", "node_hostname"),
        F("state", "NODE_STATES", "node_state"),
        F("operating_system", "STRING", "os"),
        F("owner", "USER_ID", "owner"),
        F("partitions", "CSV_STRING", "partitions"),
        F("port", "UINT16", "port"),
        F("real_memory", "UINT64", "real_memory"),
        F("comment", "STRING", "comment"),
        F("reason", "STRING", "reason"),
        F("reason_changed_at", "TIMESTAMP_NO_VAL", "reason_time"),
        F("reason_set_by_user", "USER_ID", "reason_uid"),
        F("resume_after", "TIMESTAMP_NO_VAL", "resume_after"),
        F("reservation", "STRING", "resv_name"),
        F("alloc_memory", "NODE_SELECT_ALLOC_MEMORY", None),
        F("alloc_cpus", "NODE_SELECT_ALLOC_CPUS", None),
        F("alloc_idle_cpus", "NODE_SELECT_ALLOC_IDLE_CPUS", None),
        F("tres_used", "NODE_SELECT_TRES_USED", None),
        F("tres_weighted", "NODE_SELECT_TRES_WEIGHTED", None),
        F("slurmd_start_time", "TIMESTAMP_NO_VAL", "slurmd_start_time"),
        F("sockets", "UINT16", "sockets"),
        F("threads", "UINT16", "threads"),
        F("temporary_disk", "UINT32", "tmp_disk"),
        F("weight", "UINT32", "weight"),
        F("tres", "STRING", "tres_fmt_str"),
        F("version", "STRING", "version"),
    )),
    Object("OPENAPI_NODES_RESP", "openapi_nodes_resp", "openapi_resp_node_info_msg_t", (
        F("nodes", "NODES_PTR", "nodes", required=True),
        F("last_update", "TIMESTAMP_NO_VAL", "last_update", required=True),
        F("meta", "OPENAPI_META_PTR", "meta"),
        F("errors", "OPENAPI_ERRORS", "errors"),
        F("warnings", "OPENAPI_WARNINGS", "warnings"),
    )),
    Object("ACCT_GATHER_ENERGY", "acct_gather_energy", "acct_gather_energy_t", (
        F("average_watts", "UINT32", "ave_watts"),
        F("base_consumed_energy", "UINT64", "base_consumed_energy"),
        F("consumed_energy", "UINT64", "consumed_energy"),
        F("current_watts", "UINT32_NO_VAL", "current_watts"),
        F("previous_consumed_energy", "UINT64", "previous_consumed_energy"),
        F("last_collected", "TIMESTAMP", "poll_time"),
    )),
    Object("PARTITION_INFO", "partition_info", "partition_info_t", (
        F("nodes/allowed_allocation", "STRING", "allow_alloc_nodes"),
        F("accounts/allowed", "STRING", "allow_accounts"),
        F("groups/allowed", "STRING", "allow_groups"),
        F("qos/allowed", "STRING", "allow_qos"),
        F("alternate", "STRING", "alternate"),
        F("tres/billing_weights", "STRING", "billing_weights_str"),
        F("cluster", "STRING", "cluster_name"),
        F("cpus/task_binding", "UINT32", "cpu_bind"),
        F("defaults/memory_per_cpu", "UINT64", "def_mem_per_cpu"),
        F("defaults/partition_memory_per_cpu", "MEM_PER_CPUS", "def_mem_per_cpu"),
        F("defaults/partition_memory_per_node", "MEM_PER_NODE", "def_mem_per_cpu"),
        F("defaults/time", "UINT32_NO_VAL", "default_time"),
        F("accounts/deny", "STRING", "deny_accounts"),
        F("qos/deny", "STRING", "deny_qos"),
        F("grace_time", "UINT32", "grace_time"),
        F("defaults/job", "STRING", "job_defaults_str"),
        F("maximums/cpus_per_node", "UINT32_NO_VAL", "max_cpus_per_node"),
        F("maximums/cpus_per_socket", "UINT32_NO_VAL", "max_cpus_per_socket"),
        F("maximums/memory_per_cpu", "UINT64", "max_mem_per_cpu"),
        F("maximums/partition_memory_per_cpu", "MEM_PER_CPUS", "max_mem_per_cpu"),
        F("maximums/partition_memory_per_node", "MEM_PER_NODE", "max_mem_per_cpu"),
        F("maximums/nodes", "UINT32_NO_VAL", "max_nodes"),
        F("maximums/shares", "UINT16", "max_share"),
        F("maximums/oversubscribe/jobs", "OVERSUBSCRIBE_JOBS", "max_share"),
        F("maximums/oversubscribe/flags", "OVERSUBSCRIBE_FLAGS", "max_share"),
        F("maximums/time", "UINT32_NO_VAL", "max_time"),
        F("minimums/nodes", "UINT32", "min_nodes"),
        F("name", "STRING", "name"),
        F("nodes/configured", "STRING", "nodes"),
        F("node_sets", "STRING", "nodesets"),
        F("maximums/over_time_limit", "UINT16_NO_VAL", "over_time_limit"),
        F("priority/job_factor", "UINT16", "priority_job_factor"),
        F("priority/tier", "UINT16", "priority_tier"),
        F("qos/assigned", "STRING", "qos_char"),
        F("timeouts/resume", "UINT16_NO_VAL", "resume_timeout"),
        F("partition/state", "PARTITION_STATES", "state_up"),
        F("suspend_time", "UINT32_NO_VAL", "suspend_time"),
        F("timeouts/suspend", "UINT16_NO_VAL", "suspend_timeout"),
        F("cpus/total", "UINT32", "total_cpus"),
        F("nodes/total", "UINT32", "total_nodes"),
        F("tres/configured", "STRING", "tres_fmt_str"),
    )),
    Object("OPENAPI_PARTITION_RESP", "openapi_partition_resp", "openapi_resp_partitions_info_msg_t", (
        F("partitions", "PARTITION_INFO_MSG_PTR", "partitions", required=True),
        F("last_update", "TIMESTAMP_NO_VAL", "last_update", required=True),
        F("meta", "OPENAPI_META_PTR", "meta"),
        F("errors", "OPENAPI_ERRORS", "errors"),
        F("warnings", "OPENAPI_WARNINGS", "warnings"),
    )),
    Object("CONTROLLER_PING", "controller_ping", "controller_ping_t", (
        F("hostname", "STRING", "hostname"),
        F("pinged", "CONTROLLER_PING_RESULT", "pinged"),
        F("latency", "UINT64", "latency"),
        F("mode", "CONTROLLER_PING_MODE", "offset"),
    )),
    Object("LICENSE", "license", "slurm_license_info_t", (
        F("LicenseName", "STRING", "name"),
        F("Total", "UINT32", "total"),
        F("Used", "UINT32", "in_use"),
        F("Free", "UINT32", "available"),
        F("Remote", "BOOL", "remote"),
        F("Reserved", "UINT32", "reserved"),
        F("LastConsumed", "UINT32", "last_consumed"),
        F("LastDeficit", "UINT32", "last_deficit"),
        F("LastUpdate", "TIMESTAMP", "last_update"),
    )),
    Object("OPENAPI_LICENSES_RESP", "openapi_licenses_resp", "openapi_resp_license_info_msg_t", (
        F("licenses", "LICENSES_PTR", "licenses", required=True),
        F("last_update", "TIMESTAMP_NO_VAL", "last_update", required=True),
        F("meta", "OPENAPI_META_PTR", "meta"),
        F("errors", "OPENAPI_ERRORS", "errors"),
        F("warnings", "OPENAPI_WARNINGS", "warnings"),
    )),
    Object("STATS_MSG", "stats_msg", "stats_info_response_msg_t", (
        F("parts_packed", "UINT32", "parts_packed"),
        F("req_time", "TIMESTAMP_NO_VAL", "req_time"),
        F("req_time_start", "TIMESTAMP_NO_VAL", "req_time_start"),
        F("server_thread_count", "UINT32", "server_thread_count"),
        F("agent_queue_size", "UINT32", "agent_queue_size"),
        F("agent_count", "UINT32", "agent_count"),
        F("agent_thread_count", "UINT32", "agent_thread_count"),
        F("dbd_agent_queue_size", "UINT32", "dbd_agent_queue_size"),
        F("gettimeofday_latency", "UINT32", "gettimeofday_latency"),
        F("schedule_cycle_max", "UINT32", "schedule_cycle_max"),
        F("schedule_cycle_last", "UINT32", "schedule_cycle_last"),
        F("schedule_cycle_total", "UINT32", "schedule_cycle_counter"),
        F("schedule_cycle_mean", "STATS_MSG_CYCLE_MEAN", None),
        F("schedule_cycle_mean_depth", "STATS_MSG_CYCLE_MEAN_DEPTH", None),
        F("schedule_cycle_per_minute", "STATS_MSG_CYCLE_PER_MIN", None),
        F("schedule_queue_length", "UINT32", "schedule_queue_len"),
        F("schedule_exit", "STATS_MSG_SCHEDULE_EXIT", None),
        F("jobs_submitted", "UINT32", "jobs_submitted"),
        F("jobs_started", "UINT32", "jobs_started"),
        F("jobs_completed", "UINT32", "jobs_completed"),
        F("jobs_canceled", "UINT32", "jobs_canceled"),
        F("jobs_failed", "UINT32", "jobs_failed"),
        F("jobs_pending", "UINT32", "jobs_pending"),
        F("jobs_running", "UINT32", "jobs_running"),
        F("job_states_ts", "TIMESTAMP_NO_VAL", "job_states_ts"),
        F("bf_backfilled_jobs", "UINT32", "bf_backfilled_jobs"),
        F("bf_last_backfilled_jobs", "UINT32", "bf_last_backfilled_jobs"),
        F("bf_backfilled_het_jobs", "UINT32", "bf_backfilled_het_jobs"),
        F("bf_cycle_counter", "UINT32", "bf_cycle_counter"),
        F("bf_cycle_mean", "STATS_MSG_BF_CYCLE_MEAN", None),
        F("bf_depth_mean", "STATS_MSG_BF_DEPTH_MEAN", None),
        F("bf_depth_mean_try", "STATS_MSG_BF_DEPTH_MEAN_TRY", None),
        F("bf_cycle_sum", "UINT64", "bf_cycle_sum"),
        F("bf_cycle_last", "UINT32", "bf_cycle_last"),
        F("bf_last_depth", "UINT32", "bf_last_depth"),
        F("bf_last_depth_try", "UINT32", "bf_last_depth_try"),
        F("bf_depth_sum", "UINT32", "bf_depth_sum"),
        F("bf_depth_try_sum", "UINT32", "bf_depth_try_sum"),
        F("bf_queue_len", "UINT32", "bf_queue_len"),
        F("bf_queue_len_mean", "STATS_MSG_BF_QUEUE_LEN_MEAN", None),
        F("bf_queue_len_sum", "UINT32", "bf_queue_len_sum"),
        F("bf_table_size", "UINT32", "bf_table_size"),
        F("bf_table_size_mean", "STATS_MSG_BF_QUEUE_LEN_MEAN", None),
        F("bf_when_last_cycle", "TIMESTAMP_NO_VAL", "bf_when_last_cycle"),
        F("bf_active", "STATS_MSG_BF_ACTIVE", None),
        F("bf_exit", "STATS_MSG_BF_EXIT", None),
        F("rpcs_by_message_type", "STATS_MSG_RPCS_BY_TYPE", None),
        F("rpcs_by_user", "STATS_MSG_RPCS_BY_USER", None),
    )),
    Object("BF_EXIT_FIELDS", "bf_exit_fields", "bf_exit_fields_t", (
        F("end_job_queue", "UINT32", "end_job_queue"),
        F("bf_max_job_start", "UINT32", "bf_max_job_start"),
        F("bf_max_job_test", "UINT32", "bf_max_job_test"),
        F("bf_max_time", "UINT32", "bf_max_time"),
        F("bf_node_space_size", "UINT32", "bf_node_space_size"),
        F("state_changed", "UINT32", "state_changed"),
    )),
    Object("SCHEDULE_EXIT_FIELDS", "schedule_exit_fields", "schedule_exit_fields_t", (
        F("end_job_queue", "UINT32", "end_job_queue"),
        F("default_queue_depth", "UINT32", "default_queue_depth"),
        F("max_job_start", "UINT32", "max_job_start"),
        F("max_rpc_cnt", "UINT32", "max_rpc_cnt"),
        F("max_sched_time", "UINT32", "max_sched_time"),
        F("licenses", "UINT32", "licenses"),
    )),
    Object("RESERVATION_INFO", "reservation_info", "reserve_info_t", (
        F("accounts", "STRING", "accounts"),
        F("burst_buffer", "STRING", "burst_buffer"),
        F("core_count", "UINT32", "core_cnt"),
        F("core_specializations", "RESERVATION_INFO_CORE_SPEC", None),
        F("end_time", "TIMESTAMP_NO_VAL", "end_time"),
        F("features", "STRING", "features"),
        F("flags", "RESERVATION_FLAGS", "flags"),
        F("groups", "STRING", "groups"),
        F("licenses", "STRING", "licenses"),
        F("max_start_delay", "UINT32", "max_start_delay"),
        F("name", "STRING", "name"),
        F("node_count", "UINT32", "node_cnt"),
        F("node_list", "STRING", "node_list"),
        F("partition", "STRING", "partition"),
        F("purge_completed/time", "UINT32_NO_VAL", "purge_comp_time"),
        F("start_time", "TIMESTAMP_NO_VAL", "start_time"),
        F("watts", "UINT32_NO_VAL", None, removed=True),
        F("tres", "STRING", "tres_str"),
        F("users", "STRING", "users"),
    )),
    Object("RESERVATION_CORE_SPEC", "reservation_core_spec", "resv_core_spec_t", (
        F("node", "STRING", "node_name"),
        F("core", "STRING", "core_id"),
    )),
    Object("OPENAPI_RESERVATION_RESP", "openapi_reservation_resp", "openapi_resp_reserve_info_msg_t", (
        F("reservations", "RESERVATION_INFO_MSG_PTR", "reservations", required=True),
        F("last_update", "TIMESTAMP_NO_VAL", "last_update", required=True),
        F("meta", "OPENAPI_META_PTR", "meta"),
        F("errors", "OPENAPI_ERRORS", "errors"),
        F("warnings", "OPENAPI_WARNINGS", "warnings"),
    )),
    Object("SHARES_RESP_MSG", "shares_resp_msg", "shares_response_msg_t", (
        F("shares", "ASSOC_SHARES_OBJ_LIST", None),
        F("total_shares", "UINT64", "tot_shares"),
    )),
    Object("ASSOC_SHARES_OBJ_WRAP", "assoc_shares_obj_wrap", "assoc_shares_object_wrap_t", (
        F("id", "UINT32", "obj.assoc_id"),
        F("cluster", "STRING", "obj.cluster"),
        F("name", "STRING", "obj.name"),
        F("parent", "STRING", "obj.parent"),
        F("partition", "STRING", "obj.partition"),
        F("shares_normalized", "FLOAT64_NO_VAL", "obj.shares_norm"),
        F("shares", "UINT32_NO_VAL", "obj.shares_raw"),
        F("tres/run_seconds", "ASSOC_SHARES_OBJ_WRAP_TRES_RUN_SECS", None),
        F("tres/group_minutes", "ASSOC_SHARES_OBJ_WRAP_TRES_GRP_MINS", None),
        F("effective_usage", "FLOAT64", "obj.usage_efctv"),
        F("usage_normalized", "FLOAT64_NO_VAL", "obj.usage_norm"),
        F("usage", "UINT64", "obj.usage_raw"),
        F("tres/usage", "ASSOC_SHARES_OBJ_WRAP_TRES_USAGE_RAW", None),
        F("fairshare/factor", "FLOAT64", "obj.fs_factor"),
        F("fairshare/level", "FLOAT64", "obj.level_fs"),
        F("type", "ASSOC_SHARES_OBJ_WRAP_TYPE", "obj.user"),
    )),
    Object("SHARES_UINT64_TRES", "shares_uint64_tres", "SHARES_UINT64_TRES_t", (
        F("name", "STRING", "name"),
        F("value", "UINT64_NO_VAL", "value"),
    )),
    Object("SHARES_FLOAT128_TRES", "shares_float128_tres", "SHARES_FLOAT128_TRES_t", (
        F("name", "STRING", "name"),
        F("value", "FLOAT128", "value"),
    )),
    Object("UPDATE_NODE_MSG", "update_node_msg", "update_node_msg_t", (
        F("comment", "STRING", "comment"),
        F("cpu_bind", "UINT32", "cpu_bind"),
        F("extra", "STRING", "extra"),
        F("features", "CSV_STRING", "features"),
        F("features_act", "CSV_STRING", "features_act"),
        F("gres", "STRING", "gres"),
        F("address", "HOSTLIST_STRING", "node_addr"),
        F("hostname", "HOSTLIST_STRING", "node_hostname"),
        F("name", "HOSTLIST_STRING", "node_names"),
        F("state", "NODE_STATES", "node_state"),
        F("reason", "STRING", "reason"),
        F("reason_uid", "USER_ID", "reason_uid"),
        F("resume_after", "UINT32_NO_VAL", "resume_after"),
        F("weight", "UINT32_NO_VAL", "weight"),
    )),
    Object("KILL_JOBS_MSG", "kill_jobs_msg", "kill_jobs_msg_t", (
        F("account", "STRING", "account"),
        F("flags", "WARN_FLAGS", "flags"),
        F("job_name", "STRING", "job_name"),
        F("jobs", "KILL_JOBS_MSG_JOBS_ARRAY", None),
        F("partition", "STRING", "partition"),
        F("qos", "STRING", "qos"),
        F("reservation", "STRING", "reservation"),
        F("signal", "SIGNAL", "signal"),
        F("job_state", "JOB_STATE", "state"),
        F("user_id", "USER_ID", "user_id"),
        F("user_name", "STRING", "user_name"),
        F("wckey", "STRING", "wckey"),
        F("nodes", "HOSTLIST_STRING", "nodelist"),
    )),
    Object("KILL_JOBS_RESP_JOB", "kill_jobs_resp_job", "kill_jobs_resp_job_t", (
        F("error/string", "ERROR", "error_code", required=True),
        F("error/code", "UINT32", "error_code", required=True),
        F("error/message", "STRING", "error_msg", required=True),
        F("step_id", "SELECTED_STEP_PTR", "id", required=True),
        F("job_id", "UINT32_NO_VAL", "real_job_id", required=True),
        F("federation/sibling", "STRING", "sibling_name", required=True),
    )),
    *RESPONSES,
)


def _dump_selected_step(step, services, get):
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
        out += "." + _dump_step_id(step_id, services)
    return out


def _dump_bitstr(bits, services, get):
    """DUMP(BITSTR_PTR): bit_fmt()'s ranged string ("0-10,50")."""
    return services.bitstr(bits) if bits is not None else ""


SPECIALS = (
    Special("SELECTED_STEP", _dump_selected_step, openapi=STRING,
            c_type="slurm_selected_step_t"),
    Special("BITSTR_PTR", _dump_bitstr, openapi=STRING, c_type="bitstr_t *"),
)

# The accounting (slurmdbd) objects are described in their own module.
from restd.data_parser import v0040_slurmdb as _slurmdb  # noqa: E402

# The kinds published as request and response bodies: schemas() gives them and
# every component they refer to (as slurmrestd publishes only what it uses).
# (The envelope's parts are OPENAPI_ objects too, but no operation's body.)
ROOTS = tuple(kind.name for kind in OBJECTS
              if kind.name.startswith("OPENAPI_") and kind.name not in (
                  "OPENAPI_META", "OPENAPI_ERROR", "OPENAPI_WARNING") or kind.name in (
                  "JOB_SUBMIT_REQ", "JOB_DESC_MSG", "UPDATE_NODE_MSG", "KILL_JOBS_MSG")
              ) + _slurmdb.ROOTS

V0040 = Version(NAME, (*SCALARS, *NO_VALS, *ALIASES, *ARRAYS, *POINTERS, *REMOVED,
                       *COMPLEX, *SPECIALS, *FLAG_KINDS, *CONTROLLER_KINDS, *OBJECTS,
                       *_slurmdb.KINDS), roots=ROOTS)
V0040.check()


# --- the data_parser plugin interface ---------------------------------------------------

def schemas() -> dict[str, dict]:
    """Component schemas for the OpenAPI document (``v0.0.40_<name>``)."""
    from restd.data_parser.schema import component_schemas
    return component_schemas(V0040, V0040.roots)


def dump(type_name: str, value: Any, **options):
    """See :func:`restd.data_parser.dump.dump`."""
    from restd.data_parser import dump as _dump
    return _dump.dump(V0040, type_name, value, **options)


def parse(type_name: str, data: Any, **options):
    """See :func:`restd.data_parser.parse.parse`."""
    from restd.data_parser import parse as _parse
    return _parse.parse(V0040, type_name, data, **options)
