import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "登录" in body
    assert 'lang="zh-hans"' in body


def test_english_is_available(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Sign in" in response.content.decode()


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_login_and_logout(client, handler):
    response = client.post(reverse("login"), {"username": "handler", "password": "pw-handler"})
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "李处置" in home.content.decode()
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_shows_an_error(client, handler):
    response = client.post(reverse("login"), {"username": "handler", "password": "nope"})
    assert response.status_code == 200
    assert "用户名和密码不匹配" in response.content.decode()


def test_admin_is_branded_and_chinese(client_for, officer):
    response = client_for(officer).get("/admin/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "数据安全事件与治理管理后台" in body


def test_staff_cannot_enter_admin(client_for, staff):
    response = client_for(staff).get("/admin/")
    assert response.status_code == 302


def test_language_switch(client_for, staff):
    c = client_for(staff)
    c.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Log out" in c.get(reverse("home")).content.decode()
