"""Image uploads: verified and re-encoded by Pillow, served only to people who may see the
post; refused images leave the text in the form."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from community import services
from community.models import PostImage
from community.tasks import remove_orphan_images_task
from tests.community.conftest import make_topic


@pytest.fixture(autouse=True)
def _images_root(settings, tmp_path):
    settings.COMMUNITY_IMAGES_ROOT = tmp_path / "images"


def _png(size=(20, 10), fmt="PNG", **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt, **save)
    return out.getvalue()


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (16, 16), "blue")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_upload_is_reencoded_without_metadata(forum):
    data = _jpeg_with_exif()
    assert b"SpyCam" in data
    image = services.post_image_upload(
        uploader=forum.anna, upload=SimpleUploadedFile("p.jpg", data, "image/jpeg")
    )
    stored = image.file.read()
    assert b"SpyCam" not in stored and image.content_type == "image/jpeg"
    assert (image.width, image.height) == (16, 16)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a not really", "not an image we can use"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "not an image we can use"),
        (_png(fmt="BMP"), "not an image we can use"),
        (_png(size=(6000, 5000)), "the limit is 25 megapixels"),
        (b"x" * (5 * 1024 * 1024 + 1), "too large"),
    ],
)
def test_bad_images_are_refused_with_a_message(forum, data, message):
    with pytest.raises(Exception) as exc:
        services.post_image_upload(
            uploader=forum.anna, upload=SimpleUploadedFile("x.png", data, "image/png")
        )
    assert message in " ".join(exc.value.message_dict["image"])
    assert not PostImage.objects.exists()


def test_reply_with_image_keeps_text_and_serves_it_to_the_audience_only(client, forum):
    topic = make_topic(forum.routers, forum.anna)
    client.force_login(forum.aki)
    url = reverse("community:reply", args=[topic.pk])
    upload = SimpleUploadedFile("wiring.png", _png(), "image/png")
    response = client.post(url, {"body": "See the picture", "image": upload, "upload": "1"})
    image = PostImage.objects.get()
    ref = f"![wiring]({image.get_absolute_url()})"
    page = response.content.decode()
    assert response.status_code == 200 and "See the picture" in page and ref in page
    # Before posting, only the uploader sees it.
    assert client.get(image.get_absolute_url()).status_code == 200
    client.force_login(forum.anna)
    assert client.get(image.get_absolute_url()).status_code == 404
    client.force_login(forum.aki)
    client.post(url, {"body": f"See the picture\n\n{ref}"})
    image.refresh_from_db()
    assert image.post is not None and f'src="{image.get_absolute_url()}"' in image.post.html
    client.force_login(forum.anna)
    response = client.get(image.get_absolute_url())
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    client.force_login(forum.clara)
    assert client.get(image.get_absolute_url()).status_code == 404


def test_refused_image_keeps_the_text(client, forum):
    topic = make_topic(forum.routers, forum.anna)
    client.force_login(forum.aki)
    upload = SimpleUploadedFile("huge.png", b"not an image", "image/png")
    response = client.post(
        reverse("community:reply", args=[topic.pk]), {"body": "My long text", "image": upload}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "not an image we can use" in page and "My long text" in page
    assert topic.posts.count() == 1


def test_images_no_post_took_are_removed_after_a_day(forum, django_capture_on_commit_callbacks):
    def upload(name):
        return services.post_image_upload(
            uploader=forum.aki, upload=SimpleUploadedFile(name, _png(), "image/png")
        )

    old_orphan, old_used, new_orphan = upload("a.png"), upload("b.png"), upload("c.png")
    topic = make_topic(forum.routers, forum.aki, body=f"![b]({old_used.get_absolute_url()})")
    day_ago = timezone.now() - timedelta(hours=25)
    PostImage.objects.filter(pk__in=[old_orphan.pk, old_used.pk]).update(created_at=day_ago)
    paths = {i.pk: Path(i.file.path) for i in (old_orphan, old_used, new_orphan)}
    assert all(path.exists() for path in paths.values())

    with django_capture_on_commit_callbacks(execute=True):
        remove_orphan_images_task.delay()
    assert set(PostImage.objects.values_list("pk", flat=True)) == {old_used.pk, new_orphan.pk}
    assert not paths[old_orphan.pk].exists()
    assert paths[old_used.pk].exists() and paths[new_orphan.pk].exists()
    assert PostImage.objects.get(pk=old_used.pk).post == topic.first_post


def test_orphan_files_stay_until_the_removal_commits(forum, django_capture_on_commit_callbacks):
    image = services.post_image_upload(
        uploader=forum.aki, upload=SimpleUploadedFile("a.png", _png(), "image/png")
    )
    PostImage.objects.filter(pk=image.pk).update(created_at=timezone.now() - timedelta(days=2))
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.post_images_remove_orphans() == 1
    assert not PostImage.objects.exists()
    assert Path(image.file.path).exists()  # a rollback would still find its file
    for callback in callbacks:
        callback()
    assert not Path(image.file.path).exists()
