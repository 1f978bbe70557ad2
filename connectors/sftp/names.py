"""Remote file names and folders checked before they reach the server."""

from __future__ import annotations

import posixpath

from connectors.sftp.errors import UnsafeRemoteName

CLAIM_SUFFIX = ".processing"
TEMP_SUFFIX = ".tmp"
MAX_NAME_LENGTH = 200  # leaves room for the .tmp, .processing and timestamp suffixes


def check_name(name: str) -> str:
    """Return ``name`` if it is a plain file name, else raise UnsafeRemoteName."""
    if not isinstance(name, str) or not name:
        raise UnsafeRemoteName("remote file name is empty or not text")
    shown = repr(name[:80])
    if len(name) > MAX_NAME_LENGTH:
        raise UnsafeRemoteName(f"remote file name {shown}... is longer than {MAX_NAME_LENGTH}")
    if "/" in name or "\\" in name:
        # Backslash too: Windows SFTP servers treat it as a separator.
        raise UnsafeRemoteName(f"remote file name {shown} contains a path separator")
    if ".." in name or name == ".":
        raise UnsafeRemoteName(f"remote file name {shown} contains '..' or is '.'")
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        # NUL truncates paths in C servers; newlines forge log lines.
        raise UnsafeRemoteName(f"remote file name {shown} contains NUL or control characters")
    if name.startswith("-"):
        # A leading dash turns a name into an option for any shell tool that meets it later.
        raise UnsafeRemoteName(f"remote file name {shown} starts with '-'")
    return name


def check_folder(path: str) -> str:
    """Return a normalised remote folder path, refusing '..' parts and control characters."""
    if not path or any(ord(char) < 32 or ord(char) == 127 for char in path):
        raise ValueError("remote folder must be non-empty text without control characters")
    if "\\" in path:
        raise ValueError("remote folder must use '/' as separator")
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ValueError("remote folder must not contain '..'")
    joined = "/".join(parts)
    if path.startswith("/"):
        return "/" + joined
    return joined or "."


def join(folder: str, name: str) -> str:
    """The remote path of ``name`` inside ``folder``, after checking the name."""
    return posixpath.join(folder, check_name(name))


def is_internal(name: str) -> bool:
    """True for names the connector itself creates (temporary uploads, claims) or hides."""
    return name.startswith(".") or name.endswith((CLAIM_SUFFIX, TEMP_SUFFIX))
