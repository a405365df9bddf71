"""serializer/url_encoded: ``application/x-www-form-urlencoded`` input (query
strings and form bodies); restd never answers in this format.

``a=1&b=2&b=3&with_usage`` -> ``{"a": "1", "b": ["2", "3"], "with_usage": True}``:
a repeated key gives a list, a key without "=" is true (as in slurmrestd,
``?with_usage`` asks for usage), "+" is a space and %XX is decoded as UTF-8;
characters a URL cannot hold unencoded are refused.
"""
import re
from urllib.parse import unquote_plus

from restd.plugin_api import SerializerError

NAME = "url_encoded"
MIME_TYPES = ("application/x-www-form-urlencoded",)
dump = None  # input only


def _decode(text: str) -> str:
    try:
        return unquote_plus(text, errors="strict")
    except UnicodeDecodeError:
        raise SerializerError(f"invalid UTF-8 in percent-encoded {text!r}") from None


# What a query or form may hold as it is: RFC 3986's query characters (unreserved,
# sub-delims, ":", "@", "/", "?", and "%" for escapes) plus "[" and "]", which
# clients send unencoded in node lists. Anything else (space, quote, brace,
# control or non-ASCII bytes) must be percent-encoded; slurmrestd refuses it too
# (serializer_url_encoded.c: "unexpected URL character"). That is how a JSON
# body sent as a form, or without Content-Type, is refused rather than read as
# one strange field name.
_NOT_IN_A_FORM = re.compile(rb"[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%\[\]]")


def load(data: bytes) -> dict:
    raw = _NOT_IN_A_FORM.search(data)
    if raw is not None:
        raise SerializerError(f"unexpected character {raw.group().decode('latin-1')!r} at "
                              f"byte {raw.start()}: not percent-encoded")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SerializerError(f"invalid UTF-8 at byte {error.start}") from None
    fields: dict = {}
    for pair in text.split("&"):
        if not pair:
            continue
        key, sep, value = pair.partition("=")
        key = _decode(key)
        value = _decode(value) if sep else True
        if key in fields:
            previous = fields[key]
            if isinstance(previous, list):
                previous.append(value)
            else:
                fields[key] = [previous, value]
        else:
            fields[key] = value
    return fields
