"""EDIFACT service characters: the UNA service string advice and its defaults."""

from __future__ import annotations

from dataclasses import dataclass

UNA_LENGTH = 9  # "UNA" plus six service characters


@dataclass(frozen=True, slots=True)
class ServiceChars:
    """The six characters a UNA segment declares (ISO 9735 defaults)."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    repetition: str = " "
    terminator: str = "'"

    def una(self) -> str:
        """The UNA segment that declares these characters."""
        return (
            "UNA"
            + self.component
            + self.element
            + self.decimal
            + self.release
            + self.repetition
            + self.terminator
        )

    def specials(self) -> tuple[str, ...]:
        """Characters that must be released inside data (the release char comes first)."""
        chars = [self.release, self.terminator, self.element, self.component]
        if self.repetition not in (" ", ""):
            chars.append(self.repetition)
        return tuple(chars)

    def problem(self) -> str | None:
        """Why these characters cannot work as separators, or None when they can."""
        seps = (self.component, self.element, self.release, self.terminator)
        if any(len(c) != 1 for c in (*seps, self.decimal, self.repetition)):
            return "each UNA service character must be exactly one character"
        if len(set(seps)) != 4:
            return "component, element, release and terminator characters must differ"
        if any(c.isalnum() or c == " " for c in seps):
            return "a separator must not be a letter, digit or space"
        if self.decimal not in ".,":
            return f"decimal mark {self.decimal!r} is neither '.' nor ','"
        return None


DEFAULT_CHARS = ServiceChars()


def parse_una(text: str) -> ServiceChars:
    """ServiceChars from the nine characters of a UNA segment (caller checked the length)."""
    return ServiceChars(
        component=text[3],
        element=text[4],
        decimal=text[5],
        release=text[6],
        repetition=text[7],
        terminator=text[8],
    )
