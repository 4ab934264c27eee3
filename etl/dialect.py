"""Sniff a contract file's dialect (encoding, delimiter, leading comment lines) in one streaming pass.

The same pass computes the checksum and size for build_inputs, so every raw byte is read once in Python; the
rows themselves are parsed by DuckDB.
"""
from __future__ import annotations

import codecs
import csv
import dataclasses
import hashlib
import io
import pathlib

from etl.errors import InvalidInput, Problem

CHUNK = 1 << 20
BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
UTF16_MESSAGE = ("UTF-16 text (what Excel saves as \"Unicode text\"), not a CSV file in UTF-8 or Windows-1252: "
                 "save it again from Excel as \"CSV UTF-8 (comma delimited)\" or \"CSV (semicolon delimited)\"")


@dataclasses.dataclass
class Dialect:
    path: pathlib.Path
    encoding: str             # utf-8, utf-8-sig or cp1252
    delimiter: str            # ',' or ';'
    comment_lines: int        # leading lines starting with '#', skipped
    synthetic: bool           # the first comment line starts with '# synthetic'
    header: list[str]         # column names as written (stripped)
    header_line: int          # line number of the header in the file (1-based)
    sha256: str
    bytes: int
    data_lines: int           # non-empty lines after the header (= rows unless a quoted value spans lines)
    trailing_empty_rows: int = 0  # lines of only delimiters at the end (a spreadsheet's empty rows), ignored

    @property
    def first_data_line(self) -> int:
        return self.header_line + 1


def _first_lines(path: pathlib.Path, encoding: str, limit: int = 200) -> list[str]:
    with open(path, encoding=encoding, newline="") as f:
        lines = []
        for line in f:
            lines.append(line.rstrip("\r\n"))
            if len(lines) >= limit or not line.startswith("#"):
                break
        return lines


def sniff(path: pathlib.Path) -> Dialect:
    """Read the file once: checksum, size, encoding (UTF-8 unless it fails to decode), blank lines in the data."""
    sha = hashlib.sha256()
    size = 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    has_bom = False
    prev_tail = b""
    blank_at: int | None = None  # byte offset of the first empty line inside the file
    bad_byte: int | None = None  # first byte that Windows-1252 cannot decode (checked once UTF-8 failed)
    newlines = 0
    crlf = 0   # line ends \r\n (one split across two chunks counted too)
    cr = 0     # every \r
    last = b""
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            if size == 0 and chunk.startswith(BOM):
                has_bom = True
            if size == 0 and _utf16(chunk[:400]):
                raise InvalidInput([Problem(path.name, None, None, None, UTF16_MESSAGE)])
            sha.update(chunk)
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            if not utf8 and bad_byte is None:
                try:
                    chunk.decode("cp1252")  # single-byte: chunks decode independently
                except UnicodeDecodeError as e:
                    bad_byte = size + e.start
            if blank_at is None:
                probe = prev_tail + chunk
                for pattern in (b"\n\n", b"\n\r\n"):
                    pos = probe.find(pattern)
                    if pos >= 0:
                        blank_at = size - len(prev_tail) + pos + 1
                        break
            newlines += chunk.count(b"\n")
            crlf += chunk.count(b"\r\n") + (prev_tail.endswith(b"\r") and chunk.startswith(b"\n"))
            cr += chunk.count(b"\r")
            prev_tail = chunk[-2:]
            last = chunk
            size += len(chunk)
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8 = False
    if not utf8 and bad_byte is None and size > CHUNK:
        bad_byte = _cp1252_error(path)  # UTF-8 failed in a later chunk: check the earlier ones too
    if not utf8 and bad_byte is not None:
        with open(path, "rb") as f:
            line = f.read(bad_byte).count(b"\n") + 1
        raise InvalidInput([Problem(path.name, line, None, None,
                                    f"neither UTF-8 nor Windows-1252 text (byte 0x{_byte_at(path, bad_byte):02x})")])
    if not utf8:
        _check_one_encoding(path)
    if cr != crlf or (crlf and crlf != newlines):
        _check_line_endings(path)
    encoding = ("utf-8-sig" if has_bom else "utf-8") if utf8 else "cp1252"
    first = _first_lines(path, encoding)
    comment_lines = 0
    while comment_lines < len(first) and first[comment_lines].startswith("#"):
        comment_lines += 1
    if comment_lines >= len(first) or not first[comment_lines].strip():
        raise InvalidInput([Problem(path.name, comment_lines + 1, None, "", "no header row (the file is empty)")])
    header_text = first[comment_lines]
    delimiter = ";" if header_text.count(";") > header_text.count(",") else ","
    header = [h.strip() for h in next(csv.reader(io.StringIO(header_text), delimiter=delimiter))]
    synthetic = comment_lines > 0 and first[0].lower().startswith("# synthetic")
    tail = last[len(last.rstrip(b"\r\n")):]
    lines = newlines + (0 if tail else 1) - max(tail.count(b"\n") - 1, 0)  # not counting trailing empty lines
    dialect = Dialect(path, encoding, delimiter, comment_lines, synthetic, header, comment_lines + 1,
                      sha.hexdigest(), size, lines - comment_lines - 1,
                      _trailing_delimiter_lines(path, delimiter, lines - comment_lines - 1))
    if blank_at is not None:
        _check_blank_line(dialect, blank_at)
    return dialect


def _utf16(head: bytes) -> bool:
    """A UTF-16 BOM, or ASCII text with a NUL byte after (or before) almost every character."""
    nuls = max(head[0::2].count(0), head[1::2].count(0))
    return head.startswith(UTF16_BOMS) or len(head) >= 20 and nuls > len(head) // 3


def _check_one_encoding(path: pathlib.Path) -> None:
    """A file that is not UTF-8 is read as Windows-1252 only when no line of it is UTF-8 text with a letter beyond
    ASCII: a file that mixes both (one line typed in another program) would be garbled either way, so it is refused,
    naming the first line of each."""
    first_utf8 = first_other = None
    with open(path, "rb") as f:
        for number, line in enumerate(f, 1):
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
                first_utf8 = first_utf8 or number
            except UnicodeDecodeError:
                first_other = first_other or number
            if first_utf8 and first_other:
                raise InvalidInput([Problem(path.name, None, None, None,
                                            f"two encodings in one file: line {first_utf8} is UTF-8 text, line "
                                            f"{first_other} is not (Windows-1252?); save the whole file as UTF-8")])


def _trailing_delimiter_lines(path: pathlib.Path, delimiter: str, data_lines: int) -> int:
    """How many of the last data lines hold only delimiters (and spaces): the empty rows a spreadsheet writes
    below the data. They are ignored; the rows above them are read as usual."""
    with open(path, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - CHUNK))
        tail = f.read().rstrip(b"\r\n").split(b"\n")
    if len(tail) > 1 and size > CHUNK:
        tail = tail[1:]  # the first line may be cut
    n = 0
    for line in reversed(tail):
        body = line.rstrip(b"\r").replace(b" ", b"")
        if not body or body.strip(delimiter.encode()):
            break
        n += 1
    return min(n, data_lines)


def _check_line_endings(path: pathlib.Path) -> None:
    """Slow path, only when the counts say the file mixes \n and \r\n or has a bare \r: name the first line
    whose end differs from the first line's (DuckDB would only say that its parser failed)."""
    with open(path, "rb") as f:
        first = None
        for number, line in enumerate(f, 1):
            body = line.rstrip(b"\r\n")
            if b"\r" in body:
                raise InvalidInput([Problem(path.name, number, None, None, "a carriage return (\\r) without line "
                                            "feed inside the line; save the file with \\n or \\r\\n line ends")])
            if not line.endswith(b"\n"):
                break  # the last line, without a line end
            end = "\\r\\n" if line.endswith(b"\r\n") else "\\n"
            if first is None:
                first = end
            elif end != first:
                raise InvalidInput([Problem(path.name, number, None, None, f"mixed line endings: this line ends with "
                                            f"{end}, the lines before with {first}; save the file with one kind")])


def _cp1252_error(path: pathlib.Path) -> int | None:
    offset = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            try:
                chunk.decode("cp1252")
            except UnicodeDecodeError as e:
                return offset + e.start
            offset += len(chunk)
    return None


def _byte_at(path: pathlib.Path, offset: int) -> int:
    with open(path, "rb") as f:
        f.seek(offset)
        return f.read(1)[0]


def _check_blank_line(dialect: Dialect, offset: int) -> None:
    """An empty line before the end would shift line numbers (DuckDB skips it), so it is an error."""
    with open(dialect.path, "rb") as f:
        head = f.read(offset)
        while chunk := f.read(CHUNK):
            if chunk.strip(b"\r\n"):
                break
        else:
            return  # only trailing empty lines
    line = head.count(b"\n") + 1
    raise InvalidInput([Problem(dialect.path.name, line, None, "", "empty line inside the file (remove it)")])


def first_multiline_record(dialect: Dialect) -> int | None:
    """Line of the first record whose quoted value spans several lines (slow path, only after a mismatch)."""
    with open(dialect.path, encoding=dialect.encoding, newline="") as f:
        for _ in range(dialect.header_line):
            next(f)
        reader = csv.reader(f, delimiter=dialect.delimiter)
        before = 0
        for _ in reader:
            if reader.line_num - before > 1:
                return dialect.header_line + before + 1
            before = reader.line_num
    return None
