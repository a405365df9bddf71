"""serializer/yaml: YAML in, by ruamel.yaml (safe types only), and out, by a small
block-style emitter (see dump()).

Answers are block style unless SLURMRESTD_YAML=compact (flow style, one line).
Like JSON answers they never carry NaN or infinities (written as null), nor
anchors and aliases. Input with aliases is refused: an alias lets a few bytes
stand for an arbitrarily large document.
"""
import math
import re

import orjson

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent

from restd.plugin_api import SerializerError

NAME = "yaml"
MIME_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


def _yaml(**settings) -> YAML:
    # A YAML object is not thread-safe and requests may be parsed in worker
    # threads: one per call.
    yaml = YAML(typ="safe", pure=True)
    for name, value in settings.items():
        setattr(yaml, name, value)
    return yaml


# Answers are written by the small emitter below rather than by ruamel.yaml's dumper:
# ruamel builds a node per value in Python and took 5 to 14 s for 1,000 jobs (231 s
# for 13,000), where this takes 0.25 s for 1,000 jobs. Input stays with ruamel.yaml.
# The output is plain data only (dict, list, str, int, float, bool, None), so the
# emitter needs no tags, anchors or styles: block style for pretty answers, and for
# compact ones JSON itself, which is YAML's flow style.

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*(?: [A-Za-z0-9_./-]+)*\Z")
# Words YAML 1.1 readers (PyYAML, many clients) take for booleans or null.
# Characters YAML does not allow in a document even inside quotes (DEL, C1 controls,
# U+FFFE/FFFF) or reads as line breaks (NEL, U+2028/2029); JSON's escaping (orjson)
# leaves them as they are.
_NOT_PRINTABLE = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_RESERVED = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"})


def _scalar(value) -> str:
    if isinstance(value, str):
        if _PLAIN.match(value) and value.lower() not in _RESERVED:
            return value
        quoted = orjson.dumps(value).decode()  # a JSON string is a YAML double-quoted one
        if _NOT_PRINTABLE.search(quoted):
            quoted = _NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)
        return quoted
    if isinstance(value, float) and not math.isfinite(value):
        return "null"
    return orjson.dumps(value).decode()  # ints, finite floats, true/false/null


def _mapping(data: dict, pad: str, out: list) -> None:
    for key, value in data.items():
        out.append(f"{pad}{_scalar(str(key))}:")
        _value(value, pad, out)


def _sequence(data: list, pad: str, out: list) -> None:
    inner = pad + "  "
    for item in data:
        if isinstance(item, dict) and item:
            start = len(out)
            _mapping(item, inner, out)
            out[start] = pad + "- " + out[start][len(inner):]
        elif isinstance(item, list) and item:
            out.append(f"{pad}-\n")
            _sequence(item, inner, out)
        else:
            out.append(f"{pad}- {_flow_or_scalar(item)}\n")


def _flow_or_scalar(value) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _scalar(value)


def _value(value, pad: str, out: list) -> None:
    """The value of a mapping key whose "key:" was just written."""
    if isinstance(value, dict) and value:
        out.append("\n")
        _mapping(value, pad + "  ", out)
    elif isinstance(value, list) and value:
        out.append("\n")
        _sequence(value, pad + "  ", out)
    else:
        out.append(f" {_flow_or_scalar(value)}\n")


def dump(obj, pretty: bool) -> bytes:
    if not pretty:
        flow = orjson.dumps(obj).decode()
        if _NOT_PRINTABLE.search(flow):  # only inside strings: escape as in _scalar
            flow = _NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", flow)
        return flow.encode() + b"\n"
    out = ["---\n"]
    if isinstance(obj, dict) and obj:
        _mapping(obj, "", out)
    elif isinstance(obj, list) and obj:
        _sequence(obj, "", out)
    else:
        out.append(_flow_or_scalar(obj) + "\n")
    return "".join(out).encode()


def load(data: bytes):
    try:
        text = data.decode("utf-8")
        yaml = _yaml()
        if "*" in text and any(isinstance(event, AliasEvent)
                               for event in yaml.parse(text)):
            raise SerializerError("YAML aliases are not accepted")
        return yaml.load(text)
    except UnicodeDecodeError as error:
        raise SerializerError(f"invalid UTF-8 at byte {error.start}") from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = f"invalid YAML: {error.problem or error.context}"
        if mark is None:
            raise SerializerError(message) from None
        raise SerializerError(message, mark.line + 1, mark.column + 1) from None
    except YAMLError as error:
        raise SerializerError(f"invalid YAML: {error}") from None
