"""Uploaded files (organisations' logos) served by the app while no reverse proxy does it.

Only images under the folders that uploads go to are served, with their own content type and
`nosniff`, so that an upload can never be taken for a page or a script. The model does not
restrict what staff upload (no validator on the field): this view is where it is checked.
"""

from pathlib import PurePosixPath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

# The folders of `upload_to` whose files are public.
PUBLIC_FOLDERS = {"organisations"}
CONTENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}
# The storage never reuses a name (a new upload with the same name gets a suffix): a file at
# a given address never changes, and browsers may keep it for a year.
CACHE_CONTROL = "public, max-age=31536000, immutable"


@require_safe
def serve_upload(request, path: str):
    name = PurePosixPath(path)
    content_type = CONTENT_TYPES.get(name.suffix.lower())
    if (
        content_type is None
        or len(name.parts) != 2
        or name.parts[0] not in PUBLIC_FOLDERS
        or name.name.startswith(".")
        or "\\" in path
    ):
        raise Http404
    try:
        upload = default_storage.open(str(name))
    except (OSError, SuspiciousFileOperation):
        raise Http404 from None
    response = FileResponse(upload, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = CACHE_CONTROL
    return response
