"""Where post images live: a folder outside MEDIA_ROOT with no URL, so that an image leaves
only through `community:image`, which applies the audience rule (like knowledge documents)."""

from django.utils.deconstruct import deconstructible

from hub.storage import FolderStorage


@deconstructible
class PostImageStorage(FolderStorage):
    root_setting = "COMMUNITY_IMAGES_ROOT"

    def url(self, name):
        raise NotImplementedError("post images are served only through community:image")


post_image_storage = PostImageStorage()
