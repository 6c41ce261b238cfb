"""Where support attachments live: a folder of their own outside MEDIA_ROOT, with no URL.

Files under MEDIA_ROOT may be served directly (hub/urls.py in DEBUG, or a web server in front);
an attachment must only leave through `support:attachment`, which checks that the person may
see the request. So the storage has no public URL, and its folder is `SUPPORT_FILES_ROOT`
(var/support by default).
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


def support_files_root() -> str:
    return str(getattr(settings, "SUPPORT_FILES_ROOT", settings.BASE_DIR / "var" / "support"))


@deconstructible
class PrivateSupportStorage(FileSystemStorage):
    # Read the setting on each use, so that tests and deployments can point it elsewhere.
    @property
    def base_location(self):
        return support_files_root()

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError("support attachments are served only through their view")


private_support_storage = PrivateSupportStorage()
