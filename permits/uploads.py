"""The upload check moved to `workflows.uploads` (every procedure uses it); these names
stay importable from here."""

from workflows.uploads import (  # noqa: F401
    MAX_IMAGE_PIXELS,
    NAME_MAX_LENGTH,
    CheckedUpload,
    UploadRefused,
    clean_name,
    upload_check,
)
