"""serializer/url_encoded: ``application/x-www-form-urlencoded`` input (query
strings and form bodies); restd never answers in this format.

``a=1&b=2&b=3&with_usage`` -> ``{"a": "1", "b": ["2", "3"], "with_usage": True}``:
a repeated key gives a list, a key without "=" is true (as in slurmrestd,
``?with_usage`` asks for usage), "+" is a space and %XX is decoded as UTF-8.
"""
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


def load(data: bytes) -> dict:
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
