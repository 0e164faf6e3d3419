"""Uploaded files: type sniffing, size limits, storage under the instance folder, text extraction.

Only PDF and DOCX are accepted, recognised by their content (not their name or the browser's
claimed type). Files are stored under a random name; the original name is kept for download.
Text is extracted with pypdf (one segment per page) and python-docx (one per paragraph).
"""
from __future__ import annotations

import hashlib
import logging
import os
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask_babel import lazy_gettext as _l

from ..errors import DomainError

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "jpg": "image/jpeg",
    "png": "image/png",
}
# file-name endings accepted for each kind (the content decides the kind; the name must agree)
EXTENSIONS = {"pdf": {"pdf"}, "docx": {"docx"}, "jpg": {"jpg", "jpeg"}, "png": {"png"}}
DOCUMENT_KINDS = ("pdf", "docx")
KIND_NAMES = {"pdf": "PDF", "docx": "Word (DOCX)", "jpg": "JPEG", "png": "PNG"}
# A DOCX is a zip; refuse archives that would inflate beyond this (zip bombs).
MAX_DOCX_UNCOMPRESSED = 60 * 1024 * 1024


class FileRejected(DomainError):
    """The upload is not an accepted type, is empty, or is too large."""


@dataclass(frozen=True)
class StoredFile:
    """Facts about a stored upload. ``size_bytes`` in bytes; ``sha256`` hex digest."""

    filename: str
    stored_name: str
    kind: str
    content_type: str
    size_bytes: int
    sha256: str


def _safe_filename(name: str) -> str:
    name = os.path.basename((name or "").replace("\\", "/")).strip()
    keep = "".join(c for c in name if c.isalnum() or c in " ._-()")
    return (keep or "file")[:200]


def sniff_kind(path: Path) -> str | None:
    """Return ``"pdf"``, ``"docx"``, ``"jpg"`` or ``"png"`` from the file's content, or ``None``."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
                total = sum(i.file_size for i in zf.infolist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names and total <= MAX_DOCX_UNCOMPRESSED:
            return "docx"
    return None


def store_upload(stream: BinaryIO, filename: str, upload_dir: str | Path, max_bytes: int,
                 kinds: tuple[str, ...] = DOCUMENT_KINDS) -> StoredFile:
    """Copy ``stream`` into ``upload_dir`` under a random name after checking it.

    Args:
        stream: a readable binary stream (e.g. ``FileStorage.stream``).
        filename: the name the user gave; kept for display and download. When it has an
            extension, it must agree with the content (a PDF named ``.docx`` is refused).
        upload_dir: folder to store in (created if missing).
        max_bytes: largest accepted size in bytes.
        kinds: accepted kinds, recognised by content (:data:`CONTENT_TYPES` keys).

    Raises:
        FileRejected: empty, larger than ``max_bytes``, not one of ``kinds`` by content, or a
        name whose extension contradicts the content.
    """
    folder = Path(upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    target = folder / stored_name
    digest = hashlib.sha256()
    size = 0
    try:
        with open(target, "wb") as out:
            while chunk := stream.read(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise FileRejected(_l("The file is larger than %(mb)s MB.", mb=max_bytes // (1024 * 1024)))
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise FileRejected(_l("The file is empty."))
        kind = sniff_kind(target)
        if kind not in kinds:
            if kinds == DOCUMENT_KINDS:
                raise FileRejected(_l("Only PDF and Word (DOCX) files are accepted."))
            raise FileRejected(_l("Only these files are accepted: %(kinds)s.",
                                  kinds=", ".join(KIND_NAMES[k] for k in kinds)))
        extension = Path(filename or "").suffix.lower().lstrip(".")
        if extension and extension not in EXTENSIONS[kind]:
            raise FileRejected(_l("The file name ends in .%(ext)s but the file is a %(kind)s: rename it or choose "
                                  "the right file.", ext=extension[:10], kind=KIND_NAMES[kind]))
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    final_name = f"{stored_name}.{kind}"
    target.rename(folder / final_name)
    return StoredFile(
        filename=_safe_filename(filename),
        stored_name=final_name,
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        size_bytes=size,
        sha256=digest.hexdigest(),
    )


def extract_segments(path: str | Path) -> list[dict]:
    """Extract the text of a stored PDF or DOCX as located segments.

    Returns:
        PDF: ``[{"page": 1, "text": ...}, ...]`` (1-based, pages with no text left out);
        DOCX: ``[{"paragraph": 1, "text": ...}, ...]`` (1-based over non-empty paragraphs).
        An unreadable file gives ``[]`` (logged), so a broken attachment never loses a submission.
    """
    from ..text.normalise import clean_text

    path = Path(path)
    kind = path.suffix.lstrip(".")
    segments: list[dict] = []
    try:
        if kind == "pdf":
            from pypdf import PdfReader

            for number, page in enumerate(PdfReader(path).pages, start=1):
                text = clean_text(page.extract_text() or "")
                if text:
                    segments.append({"page": number, "text": text})
        elif kind == "docx":
            import docx

            number = 0
            for para in docx.Document(str(path)).paragraphs:
                text = clean_text(para.text)
                if text:
                    number += 1
                    segments.append({"paragraph": number, "text": text})
    except Exception:  # a damaged file must not lose the submission it came with
        log.warning("could not extract text from %s", path, exc_info=True)
        return []
    return segments
