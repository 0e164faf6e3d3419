"""Export writers: turn builder output into bytes. A registry maps a format name to a writer.

Later formats (XLSX, PDF) register here; builders stay the same.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Callable

from .builders import theme_rows


@dataclass(frozen=True)
class Writer:
    """A format: its content type (with charset where it applies), file extension and
    ``write(summary) -> bytes``."""

    mimetype: str
    extension: str
    write: Callable[[dict], bytes]


# Spreadsheet programs run cells starting with these as formulas (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell value that a spreadsheet will not run as a formula: text starting (also after
    leading spaces) with ``= + - @``, a tab or a carriage return gets a leading apostrophe."""
    if isinstance(value, str) and value.lstrip(" ").startswith(_FORMULA_START):
        return "'" + value
    return value


_cell = neutralise


def formula_like(value) -> bool:
    """Whether a spreadsheet would run ``value`` as a formula (see :func:`neutralise`)."""
    return isinstance(value, str) and value.lstrip(" ").startswith(_FORMULA_START)


def xlsx_text_cell(cell, value) -> None:
    """Put ``value`` in an openpyxl cell; formula-like text is stored as a plain string cell with
    Excel's "quote prefix" (shown verbatim, never run), other values as they are."""
    cell.value = value
    if formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def write_csv(summary: dict) -> bytes:
    """One row per theme; UTF-8 with BOM so spreadsheet programs read Indonesian text correctly."""
    header, rows = theme_rows(summary)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_json(summary: dict) -> bytes:
    """The whole summary as pretty-printed UTF-8 JSON."""
    return json.dumps(summary, ensure_ascii=False, indent=2).encode("utf-8")


WRITERS: dict[str, Writer] = {
    "csv": Writer("text/csv; charset=utf-8", "csv", write_csv),
    "json": Writer("application/json", "json", write_json),
}
