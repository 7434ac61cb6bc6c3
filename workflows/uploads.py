"""Checking uploaded files before anything is stored (every procedure's uploads).

A file is accepted only if its *content* parses as a PDF (pypdf), a JPEG or a PNG
(Pillow) — the name and the browser's content type are not trusted —, it is not empty
and not larger than the limit. It is stored under a random name chosen here with the
extension of its real type; the applicant's file name is kept as data only, cleaned of
any path, shortened before its extension, and given the real type's extension.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import unicodedata
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .errors import DomainError

# content type → (extension, magic prefix check); the prefix only picks the parser
_SIGNATURES = (
    ("application/pdf", "pdf", lambda head: head.startswith(b"%PDF-")),
    ("image/jpeg", "jpg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ("image/png", "png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
)
_PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
# a scanned A4 page at 600 dpi is 35 Mpx; anything far larger is a decompression bomb
MAX_IMAGE_PIXELS = 60_000_000
NAME_MAX_LENGTH = 150
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")

logger = logging.getLogger(__name__)


class UploadRefused(DomainError):
    code = "upload_refused"


@dataclass(frozen=True)
class CheckedUpload:
    file: object
    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str

    def storage_name(self) -> str:
        return f"{secrets.token_hex(16)}.{self.extension}"

    def keep(self, record, field: str = "file") -> None:
        """Copy what was checked onto `record` (its `original_name`, `content_type`,
        `size`, `sha256`) and put the file in storage under a random name; the caller
        saves the record."""
        record.original_name = self.original_name
        record.content_type = self.content_type
        record.size = self.size
        record.sha256 = self.sha256
        getattr(record, field).save(self.storage_name(), self.file, save=False)


def clean_name(name: str, extension: str | None = None) -> str:
    """The last path component, without control characters, at most 150 characters.

    With `extension` (the file's real type), the name ends with it instead of whatever
    extension was uploaded, and a long name is shortened before the extension, so the
    extension is never cut off."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    name = name.strip(" .")
    if extension is None:
        if len(name) > NAME_MAX_LENGTH:
            found = _EXTENSION.search(name)
            ext = found.group(0) if found else ""
            name = name[: NAME_MAX_LENGTH - len(ext)].rstrip(" .") + ext
        return name or "tep-tai-len"
    stem = _EXTENSION.sub("", name).strip(" .") or "tep-tai-len"
    stem = stem[: NAME_MAX_LENGTH - len(extension) - 1].rstrip(" .")
    return f"{stem}.{extension}"


def _bytes(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _size(n: int) -> str:
    """The size as people read it, with the exact bytes when the rounding would make two
    different sizes look the same (10,0 MB over a 10,0 MB limit)."""
    return f"{filesizeformat(n)} ({_bytes(n)} byte)"


def _parses_as_pdf(upload) -> bool:
    from pypdf import PdfReader

    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            return False
        return len(reader.pages) >= 1 and reader.pages[0] is not None
    except Exception:  # any parser failure means "not a PDF we can open"
        logger.info("upload refused: does not parse as PDF", exc_info=True)
        return False
    finally:
        upload.seek(0)


def _parses_as_image(upload, content_type: str) -> bool:
    from PIL import Image

    expected = _PIL_FORMATS[content_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                if image.format != expected:
                    return False
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    return False
                image.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
        return True
    except Exception:  # truncated, corrupt, a bomb, or not an image at all
        logger.info("upload refused: does not parse as %s", expected, exc_info=True)
        return False
    finally:
        upload.seek(0)


def upload_check(upload, *, label: str = "") -> CheckedUpload:
    """Check one uploaded file; raise `UploadRefused` with the reason, store nothing.

    The first bytes choose the parser; the file is accepted only if it opens: a PDF with
    pypdf (at least one page), a JPEG or PNG with Pillow (verified and decoded). It is
    stored and served with the extension and content type of that real type."""
    what = label or clean_name(getattr(upload, "name", ""))
    size = getattr(upload, "size", None)
    limit = settings.UPLOAD_MAX_BYTES
    if size is None:
        raise UploadRefused(_("Tệp “%(name)s” không đọc được.") % {"name": what})
    if size == 0:
        raise UploadRefused(_("Tệp “%(name)s” rỗng.") % {"name": what})
    if size > limit:
        raise UploadRefused(
            _("Tệp “%(name)s” có dung lượng %(size)s, vượt quá giới hạn %(limit)s.")
            % {"name": what, "size": _size(size), "limit": _size(limit)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = next((sig for sig in _SIGNATURES if sig[2](head)), None)
    not_allowed = _(
        "Tệp “%(name)s” không phải PDF, JPEG hoặc PNG (hệ thống kiểm tra nội dung tệp, "
        "không dựa vào tên tệp)."
    ) % {"name": what}
    if found is None:
        raise UploadRefused(not_allowed)
    content_type, extension, _matches = found
    if content_type == "application/pdf":
        if not _parses_as_pdf(upload):
            raise UploadRefused(
                _(
                    "Tệp “%(name)s” không mở được như một tệp PDF (tệp hỏng, có mật khẩu hoặc "
                    "không phải PDF). Vui lòng xuất lại tệp PDF rồi tải lên."
                )
                % {"name": what}
            )
    elif not _parses_as_image(upload, content_type):
        raise UploadRefused(
            _(
                "Tệp “%(name)s” không mở được như một ảnh %(kind)s (tệp hỏng, không phải "
                "ảnh, hoặc ảnh quá lớn). Vui lòng chụp hoặc quét lại rồi tải lên."
            )
            % {"name": what, "kind": _PIL_FORMATS[content_type]}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        file=upload,
        content_type=content_type,
        extension=extension,
        size=size,
        sha256=digest.hexdigest(),
        original_name=clean_name(getattr(upload, "name", ""), extension),
    )
