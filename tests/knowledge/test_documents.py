"""Documents: downloaded only through the serve view, only by their audience, as attachments;
their files are never under MEDIA_ROOT nor reachable under /media/; the library lists what the
reader may download, by collection, a page at a time; the admin refuses disallowed files."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import Collection

from knowledge.models import DocumentLibraryPage
from tests.knowledge.conftest import add_document, add_page

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


def test_download_is_an_attachment_for_the_audience_and_404_for_others(client, world):
    doc = add_document("Router manual", products=[world.router], content=PDF)
    client.force_login(world.anna)
    response = client.get(doc.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    client.force_login(world.clara)
    assert client.get(doc.url).status_code == 404
    client.logout()
    assert client.get(doc.url).status_code == 302


def test_document_files_are_outside_media_and_have_no_public_url(client, world):
    doc = add_document("Router manual", products=[world.router], content=PDF)
    path = Path(doc.file.path).resolve()
    assert Path(settings.DOCUMENTS_ROOT).resolve() in path.parents
    assert Path(settings.MEDIA_ROOT).resolve() not in path.parents
    with pytest.raises(NotImplementedError):
        doc.file.url  # noqa: B018 (the storage has no URL: only the serve view reaches it)
    assert doc.url.startswith("/documents/")
    client.force_login(world.anna)  # even a person in the audience
    for guess in (f"/media/{doc.file.name}", f"/media/documents/{path.name}"):
        assert client.get(guess).status_code == 404


def test_library_lists_visible_documents_by_collection_a_page_at_a_time(client, world):
    root = Collection.get_first_root_node()
    manuals = root.add_child(instance=Collection(name="Manuals"))
    brochures = root.add_child(instance=Collection(name="Brochures"))
    add_document("Router manual", products=[world.router], collection=manuals)
    add_document("Switch manual", products=[world.switch], collection=manuals)
    add_document("Company brochure", collection=brochures)
    library = add_page(world.root, DocumentLibraryPage, title="Documents")

    client.force_login(world.anna)
    html = client.get(library.url).content.decode()
    assert "Router manual" in html and "Company brochure" in html
    assert "Switch manual" not in html
    html = client.get(library.url, {"collection": manuals.pk}).content.decode()
    assert "Router manual" in html and "Company brochure" not in html
    # A collection id that is not offered (or garbage) shows everything visible.
    assert "Company brochure" in client.get(library.url, {"collection": "x"}).content.decode()

    client.force_login(world.clara)
    html = client.get(library.url).content.decode()
    assert "Switch manual" in html and "Router manual" not in html


def test_library_paginates(client, world):
    for i in range(23):
        add_document(f"Doc {i:02d}")
    library = add_page(world.root, DocumentLibraryPage, title="Documents")
    client.force_login(world.anna)
    first = client.get(library.url).content.decode()
    second = client.get(library.url, {"page": 2}).content.decode()
    assert "Doc 19" in first and "Doc 20" not in first
    assert "Doc 20" in second and "Doc 22" in second and 'rel="prev"' in second


def test_admin_refuses_a_disallowed_file_type_with_a_clear_message(client, world):
    client.force_login(world.editor)
    response = client.post(
        "/admin/documents/add/",
        {
            "title": "Installer",
            "file": SimpleUploadedFile("setup.exe", b"MZ\x90\x00", "application/octet-stream"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 200  # the form again, with the error
    html = response.content.decode()
    assert "exe” is not allowed" in html and "Allowed extensions are: pdf, txt" in html
    from knowledge.models import Document

    assert not Document.objects.filter(title="Installer").exists()


def test_an_editor_uploads_a_document_with_an_audience(client, world):
    from knowledge.models import Document

    client.force_login(world.editor)
    response = client.post(
        "/admin/documents/add/",
        {
            "title": "Router datasheet",
            "file": SimpleUploadedFile("datasheet.pdf", PDF, "application/pdf"),
            "collection": Collection.get_first_root_node().pk,
            "audience_products": [world.router.pk],
        },
    )
    assert response.status_code == 302
    doc = Document.objects.get(title="Router datasheet")
    assert doc.audience().products == {world.router.pk}
    assert Path(settings.DOCUMENTS_ROOT).resolve() in Path(doc.file.path).resolve().parents
    assert client.get(f"/admin/documents/edit/{doc.pk}/").status_code == 200
    client.force_login(world.clara)
    assert client.get(doc.url).status_code == 404
