"""Request routing: path templates such as ``/slurm/v0.0.40/job/{job_id}`` matched
segment by segment in a tree, static segments by dict lookup, so the cost grows
with the depth of a path, not with the number of routes. No I/O.

A trailing slash is optional, on templates and on requests alike. Paths arrive
percent-decoded (Request.path); a parameter is one whole, non-empty segment.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Optional, Union

NOT_FOUND_TEXT = "Unable find requested URL. Please view /openapi/v3 for API reference."
# The most (method, path) pairs whose route Router.match keeps: pollers ask the same few
MATCHES_KEPT = 1024


@dataclass(frozen=True)
class Match:
    target: Any
    params: dict[str, str]


@dataclass(frozen=True)
class MethodNotAllowed:
    allowed: tuple[str, ...]


@dataclass
class _Node:
    static: dict[str, "_Node"] = field(default_factory=dict)
    parameter: Optional["_Node"] = None
    # method -> (target, parameter names in path order)
    routes: dict[str, tuple[Any, tuple[str, ...]]] = field(default_factory=dict)


def _segments(path: str) -> list[str]:
    path = path.strip("/")
    return path.split("/") if path else []


class Router:
    def __init__(self):
        self._root = _Node()
        self._kept = functools.lru_cache(maxsize=MATCHES_KEPT)(self._match)

    def add(self, method: str, template: str, target: Any) -> None:
        self._kept.cache_clear()
        node, names = self._root, []
        for segment in _segments(template):
            if segment.startswith("{") and segment.endswith("}"):
                names.append(segment[1:-1])
                if node.parameter is None:
                    node.parameter = _Node()
                node = node.parameter
            else:
                node = node.static.setdefault(segment, _Node())
        method = method.upper()
        if method in node.routes:
            raise ValueError(f"route {method} {template} defined twice")
        node.routes[method] = (target, tuple(names))

    def match(self, method: str, path: str) -> Union[Match, MethodNotAllowed, None]:
        """The route for ``method`` and ``path``: a Match; MethodNotAllowed when
        the path exists for other methods only; None when the path is unknown.
        Kept for the most recent MATCHES_KEPT (method, path) pairs; each caller gets
        its own Match.params."""
        found = self._kept(method, path)
        if isinstance(found, Match):
            return Match(found.target, dict(found.params))
        return found

    def _match(self, method: str, path: str) -> Union[Match, MethodNotAllowed, None]:
        values: list[str] = []
        node = self._find(self._root, _segments(path), 0, values)
        if node is None:
            return None
        method = method.upper()
        route = node.routes.get(method)
        if route is None and method == "HEAD":
            # HEAD is GET without the body (which the protocol leaves out).
            route = node.routes.get("GET")
        if route is None:
            return MethodNotAllowed(tuple(sorted(node.routes)))
        target, names = route
        return Match(target, dict(zip(names, values)))

    def _find(self, node: _Node, segments: list[str], index: int,
              values: list[str]) -> Optional[_Node]:
        if index == len(segments):
            return node if node.routes else None
        segment = segments[index]
        child = node.static.get(segment)
        if child is not None:
            found = self._find(child, segments, index + 1, values)
            if found is not None:
                return found
        # A static segment wins; a parameter is tried when it leads nowhere.
        if node.parameter is not None and segment:
            values.append(segment)
            found = self._find(node.parameter, segments, index + 1, values)
            if found is not None:
                return found
            values.pop()
        return None
