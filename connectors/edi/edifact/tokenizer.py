"""EDIFACT tokenizer: text -> interchanges of raw segments, split with str.split.

The fast path splits on the terminator, element and component separators with C-level
``str.split``. Only when the release character occurs in an interchange are escaped
service characters first swapped for private-use placeholders (one ``str.replace`` each)
and swapped back in the few elements that hold one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from connectors.edi.core.errors import Code
from connectors.edi.edifact.errors import syntax_error
from connectors.edi.edifact.syntax import DEFAULT_CHARS, UNA_LENGTH, ServiceChars, parse_una

Element = str | tuple[str, ...]
RawSegment = tuple[str, tuple[Element, ...]]

# Placeholders for released characters; if the data already holds one of them, other
# private-use characters are picked for that interchange.
_PLACEHOLDERS = ("\ue000", "\ue001", "\ue002", "\ue003", "\ue004")
_WHITESPACE = " \t\r\n\ufeff\x00"


@dataclass(slots=True)
class RawInterchange:
    """One interchange's segments as (tag, elements), before envelope checks."""

    chars: ServiceChars
    has_una: bool
    segments: list[RawSegment]
    first_position: int
    start: int
    end: int
    suffix: str = ""
    problems: list[Exception] = field(default_factory=list)


def skip_blank(text: str, offset: int) -> int:
    length = len(text)
    while offset < length and text[offset] in _WHITESPACE:
        offset += 1
    return offset


def read_raw(text: str, start: int, position: int) -> RawInterchange:
    """Tokenise the interchange starting at ``start``; segments numbered from ``position``."""
    chars = DEFAULT_CHARS
    body = start
    has_una = text.startswith("UNA", start)
    if has_una:
        if len(text) - start < UNA_LENGTH:
            raise syntax_error(
                "UNA service string advice is cut short", position, "UNA", code=Code.TRUNCATED
            )
        chars = parse_una(text[start : start + UNA_LENGTH])
        problem = chars.problem()
        if problem is not None:
            raise syntax_error(f"UNA: {problem}", position, "UNA", code=Code.BAD_SEPARATORS)
        body = skip_blank(text, start + UNA_LENGTH)
    if not text.startswith("UNB", body):
        found = text[body : body + 3] or "end of input"
        raise syntax_error(
            f"an interchange must start with UNA or UNB, found {found!r} at character {body}",
            position,
            found,
            code=Code.NO_ENVELOPE,
        )
    end = _interchange_end(text, body, chars)
    raw = RawInterchange(chars, has_una, [], position, start, end)
    chunk = text[body:end]
    if chars.terminator not in "\r\n":
        head = chunk[: chunk.find(chars.terminator) + 3]
        raw.suffix = "\r\n" if head.endswith("\r\n") else "\n" if "\n" in head else ""
    pieces, restore = _split_segments(chunk, chars)
    tail = pieces.pop().strip(_WHITESPACE) if pieces else ""
    if tail:
        raw.problems.append(
            syntax_error(
                f"the last segment {tail[:20]!r} has no segment terminator "
                f"{chars.terminator!r}: the interchange is truncated",
                position + len(pieces),
                tail[:3],
                code=Code.TRUNCATED,
            )
        )
        pieces.append(tail)
    raw.segments = _split_elements(pieces, chars, restore)
    return raw


def _interchange_end(text: str, body: int, chars: ServiceChars) -> int:
    """Offset just past the UNZ segment's terminator, else where the next header starts."""
    term, rel = chars.terminator, chars.release
    unz = _find_unreleased(text, term + "UNZ" + chars.element, body, rel)
    limit = len(text) if unz < 0 else unz
    following = _next_header(text, body + 3, limit, chars)
    if following >= 0:
        return following
    if unz < 0:
        return len(text)
    stop = unz + 4
    while True:
        close = text.find(term, stop)
        if close < 0:
            return len(text)
        if not _is_released(text, close, rel, body):
            return close + 1
        stop = close + 1


def _find_unreleased(text: str, marker: str, start: int, rel: str) -> int:
    search = start
    while True:
        found = text.find(marker, search)
        if found < 0 or not _is_released(text, found, rel, start):
            return found
        search = found + 1


def _next_header(text: str, start: int, limit: int, chars: ServiceChars) -> int:
    """Start of a UNA/UNB segment before ``limit`` (a missing UNZ), or -1."""
    best = -1
    for marker in ("UNB" + chars.element, "UNA"):
        search = start
        while True:
            found = text.find(marker, search, limit)
            if found < 0:
                break
            before = found - 1
            while before >= start and text[before] in "\r\n" and chars.terminator != text[before]:
                before -= 1
            if text[before] == chars.terminator and not _is_released(
                text, before, chars.release, start
            ):
                best = found if best < 0 else min(best, found)
                break
            search = found + 1
    return best


def _is_released(text: str, index: int, rel: str, floor: int) -> bool:
    """True when an odd run of release characters precedes ``text[index]``."""
    count = 0
    index -= 1
    while index >= floor and text[index] == rel:
        count += 1
        index -= 1
    return count % 2 == 1


def _split_segments(chunk: str, chars: ServiceChars) -> tuple[list[str], dict[int, str] | None]:
    """Segment strings, plus the placeholder table when released characters were hidden."""
    term = chars.terminator
    if "\n" in chunk or "\r" in chunk:
        if term == "\n":
            chunk = chunk.replace("\r\n", "\n")
        elif term == "\r":
            chunk = chunk.replace("\r\n", "\r").replace("\n", "")
        else:
            # Line breaks after the terminator are layout, not data.
            chunk = chunk.replace(term + "\r\n", term).replace(term + "\n", term)
    restore: dict[int, str] | None = None
    if chars.release in chunk:
        placeholders = _free_placeholders(chunk)
        chunk = _hide_released(chunk, chars, placeholders)
        restore = {ord(p): c for p, c in zip(placeholders, chars.specials(), strict=False)}
    pieces = chunk.split(term)
    if "" in pieces[:-1]:
        last = pieces.pop()
        pieces = [p for p in pieces if p.strip(_WHITESPACE)]
        pieces.append(last)
    return pieces, restore


def _free_placeholders(chunk: str) -> tuple[str, ...]:
    """Five private-use characters that do not occur in ``chunk``."""
    if not any(p in chunk for p in _PLACEHOLDERS):
        return _PLACEHOLDERS
    used = set(chunk)
    free = (chr(code) for code in range(0xE000, 0xF900) if chr(code) not in used)
    picked = tuple(next(free, "") for _ in range(5))
    if "" in picked:
        raise syntax_error("the data uses every private-use character", code=Code.SYNTAX)
    return picked


def _hide_released(chunk: str, chars: ServiceChars, placeholders: tuple[str, ...]) -> str:
    rel = chars.release
    # Release-release pairs go first so that "??'" keeps its terminator.
    for placeholder, char in zip(placeholders, chars.specials(), strict=False):
        chunk = chunk.replace(rel + char, placeholder)
    # A release character before an ordinary character has nothing to release.
    return chunk.replace(rel, "")


def _split_elements(
    pieces: list[str], chars: ServiceChars, restore: dict[int, str] | None
) -> list[RawSegment]:
    elem, comp = chars.element, chars.component
    segments: list[RawSegment] = []
    append = segments.append
    for piece in pieces:
        if piece and piece[0] in _WHITESPACE:
            piece = piece.lstrip(_WHITESPACE)
        parts = piece.split(elem)
        elements = tuple([tuple(part.split(comp)) if comp in part else part for part in parts[1:]])
        # Placeholders are private-use characters, so an ASCII segment holds none.
        if restore is not None and not piece.isascii():
            append((parts[0].translate(restore), tuple(_restore(e, restore) for e in elements)))
        else:
            append((parts[0], elements))
    return segments


def _restore(element: Element, table: dict[int, str]) -> Element:
    if isinstance(element, str):
        return element.translate(table)
    return tuple(c.translate(table) for c in element)
