"""The knowledge hub's files, each in a folder of its own, none reachable by a public URL.

- Documents: `DOCUMENTS_ROOT` (var/documents by default), with no URL at all (`url()` raises
  NotImplementedError, which Wagtail's serve view reads as "stream it yourself"), so a
  document leaves only through that view, where the audience hook runs.
- Original images: MEDIA_ROOT, for staff only; nothing serves /media/.
- Image renditions (all a reader ever gets of an image): `RENDITIONS_ROOT`, through a view that
  checks the audience of the content using the image.
"""

from django.utils.deconstruct import deconstructible

from hub.storage import FolderStorage


@deconstructible
class PrivateDocumentStorage(FolderStorage):
    root_setting = "DOCUMENTS_ROOT"

    def url(self, name):
        raise NotImplementedError("documents are served only through the document serve view")


private_document_storage = PrivateDocumentStorage()


@deconstructible
class OriginalImageStorage(FolderStorage):
    """The default storage (STORAGES["default"]), which holds only Wagtail's original images,
    under MEDIA_ROOT. An original is for editors: its URL leads to a view that serves it to
    staff only (knowledge.views.original_image, through hub/audience.py), and nothing serves
    /media/. Readers see renditions (PrivateImageStorage), which carry the audience check."""

    root_setting = "MEDIA_ROOT"

    def url(self, name):
        from django.urls import reverse

        return reverse("knowledge:original_image", kwargs={"name": name.replace("\\", "/")})


@deconstructible
class PrivateImageStorage(FolderStorage):
    """Where image renditions live (WAGTAILIMAGES_RENDITION_STORAGE): outside MEDIA_ROOT, in
    `RENDITIONS_ROOT` (var/renditions by default). Their URLs lead to a view that serves a
    rendition only to people who may see a page that uses its image (knowledge.views.image),
    so an image in a restricted article is never reachable by a guessable public URL."""

    root_setting = "RENDITIONS_ROOT"

    def url(self, name):
        from django.urls import reverse

        return reverse("knowledge:image", kwargs={"name": name.replace("\\", "/")})
