"""Images in articles reach the reader only as renditions served by a view that checks the
audience of the content using the image: none lives under MEDIA_ROOT, none is reachable by a
person outside the audience, by URL or by guessing. The originals (under MEDIA_ROOT) are for
editors only, and nothing serves /media/."""

import io
import re

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from knowledge.models import ArticlePage, SectionPage
from tests.knowledge.conftest import add_page

pytestmark = pytest.mark.django_db


def _image(title):
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 6), "teal").save(buffer, format="PNG")
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name="shot.png"))


@pytest.fixture
def restricted(world):
    section = add_page(world.root, SectionPage, title="Routers", products=[world.router])
    image = _image("Router internals")
    article = add_page(
        section,
        ArticlePage,
        title="Inside the router",
        body=[("image", {"image": image, "alt_text": "Board", "caption": ""})],
    )
    return article, image


def _src(html):
    return re.search(r'<img [^>]*src="([^"]+)"', html).group(1)


def test_renditions_are_served_only_to_the_audience(client, world, settings, restricted):
    article, image = restricted
    client.force_login(world.anna)
    src = _src(client.get(article.url).content.decode())
    assert src.startswith("/knowledge-hub/images/")
    response = client.get(src)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "private" in response["Cache-Control"]
    rendition = image.renditions.get()
    assert not str(rendition.file.path).startswith(str(settings.MEDIA_ROOT))

    client.force_login(world.clara)
    assert client.get(src).status_code == 404
    assert client.get(article.url).status_code == 404
    client.force_login(world.editor)
    assert client.get(src).status_code == 200


def test_an_image_no_visible_page_uses_is_for_staff_only(client, world):
    image = _image("Unused")
    rendition = image.get_rendition("max-100x100")
    client.force_login(world.anna)
    assert client.get(rendition.url).status_code == 404
    client.force_login(world.editor)
    assert client.get(rendition.url).status_code == 200


def test_unpublishing_the_page_hides_its_images(client, world, restricted):
    article, _ = restricted
    client.force_login(world.anna)
    src = _src(client.get(article.url).content.decode())
    ArticlePage.objects.get(pk=article.pk).unpublish()
    assert client.get(src).status_code == 404


def test_unknown_and_traversing_names_are_not_found(client, world):
    client.force_login(world.anna)
    assert client.get("/knowledge-hub/images/images/nothing.png").status_code == 404
    assert client.get("/knowledge-hub/images/../../hub/settings.py").status_code == 404


def test_originals_are_for_editors_only_and_media_is_never_served(client, world, restricted):
    _, image = restricted
    url = image.file.url
    assert url.startswith("/knowledge-hub/originals/original_images/")
    client.force_login(world.anna)  # may see the article, not the original
    assert client.get(url).status_code == 404
    assert client.get(f"/media/{image.file.name}").status_code == 404
    client.force_login(world.editor)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
    for guess in ("../../settings.py", "original_images/../../secret", "no/such.png", ""):
        assert client.get(f"/knowledge-hub/originals/{guess}").status_code == 404
    assert client.get(f"/admin/images/{image.pk}/").status_code == 200  # the editor's view
