"""Editors choose the name the public history shows, in the admin, for themselves alone."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from history.models import EditorProfile, display_name
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_an_editor_chooses_their_display_name_in_the_admin(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:history_editorprofile_changelist"))
    assert response.status_code == 302
    assert response.url == reverse("admin:history_editorprofile_add")
    add_page = client.get(response.url).content.decode()
    assert f"Until you choose one it is “Editor {editor.pk}”" in add_page

    response = client.post(response.url, {"display_name": "Night Editor"})

    assert response.status_code == 302
    assert display_name(type(editor).objects.get(pk=editor.pk)) == "Night Editor"
    own = EditorProfile.objects.get(user=editor)
    assert client.get(reverse("admin:history_editorprofile_changelist")).url == reverse(
        "admin:history_editorprofile_change", args=[own.pk]
    )
    assert client.get(reverse("admin:history_editorprofile_add")).status_code == 302


def test_an_editor_can_neither_see_nor_change_another_editors_name(client, editor):
    other = make_user("other", "Editors", is_staff=True)
    theirs = EditorProfile.objects.create(user=other, display_name="Their Name")
    client.force_login(editor)
    url = reverse("admin:history_editorprofile_change", args=[theirs.pk])

    assert client.get(url).status_code in (302, 404)
    client.post(url, {"display_name": "Taken Over"})

    theirs.refresh_from_db()
    assert theirs.display_name == "Their Name"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("editor", "other than your login"),
        ("EDITOR@example.com", "Use 3 to 40 letters"),
        ("Editor 7", "kept for editors without one"),
        ("<b>x</b>", "Use 3 to 40 letters"),
        ("ab", "Use 3 to 40 letters"),
        ("Taken Name", "Another editor has this display name"),
    ],
)
def test_it_refuses_a_login_a_default_a_duplicate_or_markup_with_a_form_error(
    client, editor, name, message
):
    editor.email = "editor@example.com"
    editor.save()
    EditorProfile.objects.create(
        user=make_user("other", "Editors", is_staff=True), display_name="taken name"
    )
    client.force_login(editor)

    response = client.post(reverse("admin:history_editorprofile_add"), {"display_name": name})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not EditorProfile.objects.filter(user=editor).exists()


def test_a_display_name_may_not_be_the_editors_e_mail_address(editor):
    editor.email = "night.editor@example.com"
    profile = EditorProfile(user=editor, display_name="night.editor@example.com")
    with pytest.raises(ValidationError):
        profile.full_clean()


def test_readers_have_no_display_name_page(client, reader):
    client.force_login(reader)
    response = client.get(reverse("admin:history_editorprofile_add"))
    assert response.status_code == 302
    assert "login" in response.url
