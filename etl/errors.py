"""Problems found in the input: fatal ones stop the build with exit status 2, warnings are recorded.

`BuildFailed` is the other kind of stop: the input may be fine but the build could not be completed and
published (disk full, a folder that cannot be written, a target that is not a warehouse); also exit status 2.
"""
from __future__ import annotations

import dataclasses
import errno
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
MAX_SHOWN = 80  # characters of a value shown in a message; longer values are cut (a 5 MB field stays out)


def clip(text: str, limit: int = MAX_SHOWN) -> str:
    """A value as shown in a message: at most about `limit` characters, saying how long it really was."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text):,} characters)"


@dataclasses.dataclass
class Problem:
    file: str
    line: int | None          # line in the file as an editor shows it (comment lines count), None = whole file
    column: str | None
    value: str | None
    message: str
    more: int = 0             # how many more rows share the problem

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column {self.column}")
        text = ", ".join(where) + ": " + self.message
        if self.value is not None and self.value != "":
            text += f" (value {clip(self.value)})"
        if self.more:
            text += f"; {self.more} more row{'s' if self.more != 1 else ''} with the same problem"
        return text


class InvalidInput(Exception):
    """The input files break the contract; the build stops with exit status 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def every_problem(steps: Iterable[Callable[[], T]]) -> list[T]:
    """Run every step to its end or its InvalidInput, and raise one InvalidInput with the problems of all of them (a
    user fixes every file after one run); else return the steps' results."""
    problems: list[Problem] = []
    results = []
    for step in steps:
        try:
            results.append(step())
        except InvalidInput as e:
            problems += e.problems
    if problems:
        raise InvalidInput(problems)
    return results


class BuildFailed(Exception):
    """The build could not be completed or published (disk, permissions, target); exit status 2, one line."""


# errno -> the cause as a user reads it; DuckDB reports the same causes as strerror text inside its messages.
CAUSES = {
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "file size limit reached",
    errno.EIO: "input/output error",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "read-only file system",
    errno.EISDIR: "is a folder",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ENOENT: "no such file or folder",
}
_STRERROR = {__import__("os").strerror(code): cause for code, cause in CAUSES.items()}


def known_cause(exc: BaseException) -> bool:
    """The error is one of the OS causes above (by errno or, for DuckDB, by its strerror text)."""
    if isinstance(exc, OSError) and exc.errno in CAUSES:
        return True
    return any(strerror.lower() in str(exc).lower() for strerror in _STRERROR)


def cause_of(exc: BaseException) -> str:
    """The short cause of an OS or DuckDB error: 'disk full', 'permission denied', ... or its first line."""
    if isinstance(exc, OSError) and exc.errno in CAUSES:
        return CAUSES[exc.errno]
    text = str(exc)
    for strerror, cause in _STRERROR.items():
        if strerror.lower() in text.lower():
            return cause
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return first if len(first) <= 200 else first[:200] + "..."
