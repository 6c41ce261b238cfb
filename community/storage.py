"""Where post images live: a folder outside MEDIA_ROOT with no URL, so that an image leaves
only through `community:image`, which applies the audience rule (like knowledge documents)."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PostImageStorage(FileSystemStorage):
    # Read the setting on each use, so that tests and deployments can point it elsewhere.
    @property
    def base_location(self):
        return str(settings.COMMUNITY_IMAGES_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError("post images are served only through community:image")


post_image_storage = PostImageStorage()
