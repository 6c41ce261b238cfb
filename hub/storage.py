"""A file system storage whose folder is a setting, read on each use (not once at import), so
that tests and deployments can point it elsewhere. The apps' private folders (documents, image
originals and renditions, post images) are subclasses that say what their URL is, if any."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class FolderStorage(FileSystemStorage):
    root_setting = ""  # the setting that names the folder

    @property
    def base_location(self):
        return str(getattr(settings, self.root_setting))

    @property
    def location(self):
        return os.path.abspath(self.base_location)
