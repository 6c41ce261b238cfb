"""Where document files live: a folder of its own outside MEDIA_ROOT, with no URL.

Files under MEDIA_ROOT may be served directly (hub/urls.py in DEBUG, or a web server in front);
a document must only ever leave through Wagtail's serve view, where the audience hook runs. So
the storage has no public URL at all (`url()` raises NotImplementedError, which the serve view
reads as "stream it yourself"), and its folder is `DOCUMENTS_ROOT` (var/documents by default).
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateDocumentStorage(FileSystemStorage):
    # Read the setting on each use (not once at import), so that tests and deployments can
    # point it elsewhere.
    @property
    def base_location(self):
        return str(settings.DOCUMENTS_ROOT)

    @property
    def location(self):
        import os

        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError("documents are served only through the document serve view")


private_document_storage = PrivateDocumentStorage()


@deconstructible
class OriginalImageStorage(FileSystemStorage):
    """The default storage (STORAGES["default"]), which holds only Wagtail's original images,
    under MEDIA_ROOT. An original is for editors: its URL leads to a view that serves it to
    people who may use the Wagtail admin (knowledge.views.original_image), and nothing serves
    /media/. Readers see renditions (PrivateImageStorage), which carry the audience check."""

    @property
    def base_location(self):
        return str(settings.MEDIA_ROOT)

    @property
    def location(self):
        import os

        return os.path.abspath(self.base_location)

    def url(self, name):
        from django.urls import reverse

        return reverse("knowledge:original_image", kwargs={"name": name.replace("\\", "/")})


@deconstructible
class PrivateImageStorage(FileSystemStorage):
    """Where image renditions live (WAGTAILIMAGES_RENDITION_STORAGE): outside MEDIA_ROOT, in
    `RENDITIONS_ROOT` (var/renditions by default). Their URLs lead to a view that serves a
    rendition only to people who may see a page that uses its image (knowledge.views.image),
    so an image in a restricted article is never reachable by a guessable public URL."""

    @property
    def base_location(self):
        return str(settings.RENDITIONS_ROOT)

    @property
    def location(self):
        import os

        return os.path.abspath(self.base_location)

    def url(self, name):
        from django.urls import reverse

        return reverse("knowledge:image", kwargs={"name": name.replace("\\", "/")})
