"""Exit 0 when a URL answers 2xx within a few seconds, else 1: a container healthcheck.

The slim image has no curl; this needs nothing but the standard library.

    python deploy/healthcheck.py http://127.0.0.1:8080/api/v2/monitor/health
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request


def healthy(url: str, timeout: float = 5.0) -> bool:
    """True when ``url`` (http or https only) answers with a 2xx status."""
    if not url.startswith(("http://", "https://")):
        return False
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - scheme checked above
            return 200 <= int(response.status) < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: healthcheck.py URL\n")
        return 2
    return 0 if healthy(argv[0]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
