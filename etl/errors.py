"""Problems found in the input: fatal ones stop the build with exit status 2, warnings are recorded."""
from __future__ import annotations

import dataclasses


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
            text += f" (value {self.value!r})"
        if self.more:
            text += f"; {self.more} more row{'s' if self.more != 1 else ''} with the same problem"
        return text


class InvalidInput(Exception):
    """The input files break the contract; the build stops with exit status 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
