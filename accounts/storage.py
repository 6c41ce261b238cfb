"""Where data exports live: a folder of their own outside MEDIA_ROOT, with no URL. An export
leaves only through `accounts:export_download`, which checks the signed link and the owner."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateExportStorage(FileSystemStorage):
    @property
    def base_location(self):
        return str(getattr(settings, "EXPORTS_ROOT", settings.BASE_DIR / "var" / "exports"))

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError("exports are served only through their view")


private_export_storage = PrivateExportStorage()
