"""Size limits and timeouts of the HTTP server, in one frozen value.

Every bound the protocol enforces lives here, so a test can shrink them all at once
(``Limits(header_timeout=0.2)``) and the CLI has one place to map options onto.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

KiB = 1024
MiB = 1024 * KiB


@dataclass(frozen=True)
class Limits:
    # Sizes, in bytes unless stated. Exceeding one answers with the status noted and
    # closes the connection.
    max_url_bytes: int = 8 * KiB  # request target; 414 URI Too Long
    max_header_bytes: int = 64 * KiB  # whole header block; 431
    max_header_count: int = 100  # 431
    max_body_bytes: int = 50 * MiB  # by Content-Length or chunked growth; 413
    # Complete requests queued behind the one being answered; past this reading pauses.
    max_pipelined_requests: int = 16

    # Timeouts, in seconds.
    header_timeout: float = 30.0  # first byte of a request to the end of its headers; 408
    # The header and body timeouts while the server is loaded (connections at or above
    # loaded_fraction of the cap): slow senders then cannot hold slots for long.
    loaded_header_timeout: float = 5.0
    loaded_body_timeout: float = 10.0
    body_timeout: float = 60.0  # end of headers to the end of the body; 408
    keep_alive_timeout: float = 60.0  # idle connection between requests; closed silently
    write_timeout: float = 60.0  # a response waiting for a client that does not read
    shutdown_timeout: float = 10.0  # in-flight requests finishing after SIGTERM/SIGINT

    # Share of the connection cap above which the server counts as loaded.
    loaded_fraction: float = 0.75

    def __post_init__(self) -> None:
        for limit in fields(self):
            value = getattr(self, limit.name)
            if not value > 0:
                raise ValueError(f"limit {limit.name} must be positive, not {value!r}")
        if self.loaded_fraction > 1:
            raise ValueError(f"limit loaded_fraction must be at most 1, not {self.loaded_fraction!r}")
