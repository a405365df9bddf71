"""Content negotiation: which serializer reads a request body (Content-Type) and
which one writes the answer (Accept). Plain functions over the loaded serializers.
"""
from __future__ import annotations

import functools
from types import ModuleType
from typing import Optional, Sequence

DEFAULT_OUTPUT = "application/json"
# A body without Content-Type is read as a form, as slurmrestd reads it
# (src/common/http_mime.c http_resolve_mime_types(): "did not provide a known
# content type header. Assuming URL encoded."): a JSON body sent that way is
# refused by the form reader (400), as by slurmrestd.
DEFAULT_INPUT = "application/x-www-form-urlencoded"
# The only character set restd decodes bodies in (JSON is UTF-8 on the wire,
# RFC 8259 8.1; YAML and forms as restd reads them). A body declared in another
# one is refused (415), not read as UTF-8 into other characters.
BODY_CHARSETS = frozenset({"utf-8", "utf8"})
# The most Accept headers whose answer Negotiator.writer keeps
WRITERS_KEPT = 256


def media_type(header: Optional[str]) -> str:
    """``"Application/JSON; charset=utf-8"`` -> ``"application/json"``; "" if absent."""
    if not header:
        return ""
    return header.split(";", 1)[0].strip().lower()


def media_parameters(header: Optional[str]) -> dict[str, str]:
    """``"text/yaml; Charset=\"UTF-8\""`` -> ``{"charset": "UTF-8"}``."""
    parameters = {}
    for item in (header or "").split(";")[1:]:
        name, _, value = item.partition("=")
        parameters[name.strip().lower()] = value.strip().strip('"')
    return parameters


class UnsupportedBody(Exception):
    """A request body restd cannot read as declared (answered 415)."""


def parse_accept(header: str) -> list[tuple[str, float]]:
    """Media ranges of an Accept header with their q-values, in header order.
    Malformed ranges and q-values are skipped, as if the client had not sent them."""
    ranges = []
    for item in header.split(","):
        media_range, *parameters = item.split(";")
        media_range = media_range.strip().lower()
        if media_range.count("/") != 1:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = -1.0
        if 0.0 <= quality <= 1.0:
            ranges.append((media_range, quality))
    return ranges


def _quality(media: str, ranges: list[tuple[str, float]]) -> float:
    """q of ``media`` under the most specific matching range (RFC 9110 12.5.1)."""
    kind = media.split("/", 1)[0]
    best, best_specificity = 0.0, -1
    for media_range, quality in ranges:
        if media_range == media:
            specificity = 2
        elif media_range == f"{kind}/*":
            specificity = 1
        elif media_range == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best, best_specificity = quality, specificity
    return best


class Negotiator:
    """Built once from the loaded serializers."""

    def __init__(self, serializers: Sequence[ModuleType]):
        self._readers = {media: serializer for serializer in serializers
                         for media in serializer.MIME_TYPES}
        writers = [serializer for serializer in serializers if serializer.dump is not None]
        # Candidates in order of preference, for ties: each writer's main type
        # (JSON first, the default), then the other names it answers to.
        writers.sort(key=lambda serializer: DEFAULT_OUTPUT not in serializer.MIME_TYPES)
        self._candidates = ([(s.MIME_TYPES[0], s) for s in writers]
                            + [(media, s) for s in writers for media in s.MIME_TYPES[1:]])
        # clients send few distinct Accept headers, each request one: each is read once
        self.writer = functools.lru_cache(maxsize=WRITERS_KEPT)(self._writer)

    @property
    def output_types(self) -> list[str]:
        return [media for media, _ in self._candidates]

    @property
    def input_types(self) -> list[str]:
        return list(self._readers)

    def _writer(self, accept: Optional[str]) -> Optional[tuple[str, ModuleType]]:
        """(Content-Type, serializer) for the answer; None if nothing acceptable
        (``writer``, the same kept for the most recent Accept headers)."""
        if not self._candidates:
            return None
        ranges = parse_accept(accept or "")
        if not ranges:  # absent, empty or unreadable: the client takes anything
            return self._candidates[0]
        best, best_quality = None, 0.0
        for candidate in self._candidates:
            quality = _quality(candidate[0], ranges)
            if quality > best_quality:
                best, best_quality = candidate, quality
        return best

    def reader(self, content_type: Optional[str]) -> Optional[ModuleType]:
        """The serializer for a request body of this Content-Type; None if unknown.
        A body without Content-Type is read as a form, as slurmrestd reads it."""
        return self._readers.get(media_type(content_type) or DEFAULT_INPUT)

    def body_reader(self, content_type: Optional[str]) -> ModuleType:
        """The serializer reading a request body declared ``content_type``;
        UnsupportedBody (saying why) for a media type no serializer reads or a
        charset other than UTF-8."""
        reader = self.reader(content_type)
        if reader is None:
            raise UnsupportedBody(
                f"Content-Type {media_type(content_type)!r} is not supported; accepted: "
                f"{', '.join(self.input_types)}")
        charset = media_parameters(content_type).get("charset")
        if charset is not None and charset.lower() not in BODY_CHARSETS:
            raise UnsupportedBody(
                f"charset {charset!r} is not supported for {media_type(content_type)}: "
                f"send the body in UTF-8 (charset=utf-8, or no charset)")
        return reader
