"""Checking uploaded files before anything is stored.

A file is accepted only if its *content* is a PDF, JPEG or PNG (the name and the
browser's content type are not trusted), it is not empty and not larger than the
limit. It is stored under a random name chosen here; the applicant's file name is
kept as data only, cleaned of any path.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from workflows.errors import DomainError

# content type → (extension, magic prefix check)
_SIGNATURES = (
    ("application/pdf", "pdf", lambda head: head.startswith(b"%PDF-")),
    ("image/jpeg", "jpg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ("image/png", "png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
)


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


def clean_name(name: str) -> str:
    """The last path component, without control characters, at most 150 characters."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    name = name.strip(" .")
    return name[:150] or "tep-tai-len"


def upload_check(upload, *, label: str = "") -> CheckedUpload:
    """Check one uploaded file; raise `UploadRefused` with the reason, store nothing."""
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
            % {"name": what, "size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = next((sig for sig in _SIGNATURES if sig[2](head)), None)
    if found is None:
        raise UploadRefused(
            _(
                "Tệp “%(name)s” không phải PDF, JPEG hoặc PNG (hệ thống kiểm tra nội dung tệp, "
                "không dựa vào tên tệp)."
            )
            % {"name": what}
        )
    content_type, extension, _matches = found
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
        original_name=clean_name(getattr(upload, "name", "")),
    )
