"""Error pages in Chinese inside the layout (issue 18 point 6)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path
from django.views.decorators.csrf import csrf_protect

from config import urls as project_urls
from core import error_views

pytestmark = pytest.mark.django_db


def _refuse(request):
    raise PermissionDenied


def _fail(request):
    raise RuntimeError("boom")


@csrf_protect
def _form(request):
    return HttpResponse("ok")


urlpatterns = [
    path("refuse/", _refuse),
    path("fail/", _fail),
    path("form/", _form),
    *project_urls.urlpatterns,  # the layout links home, the menu, the login page
]
handler403 = "core.error_views.permission_denied"
handler404 = "core.error_views.page_not_found"
handler500 = "core.error_views.server_error"


def test_the_project_names_its_handlers():
    assert project_urls.handler403 == "core.error_views.permission_denied"
    assert project_urls.handler404 == "core.error_views.page_not_found"
    assert project_urls.handler500 == "core.error_views.server_error"


def test_404_is_chinese_inside_the_layout(client_for, staff):
    response = client_for(staff).get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and "返回我的首页" in body
    assert 'id="sidebar"' in body  # inside the layout, with the menu
    assert "Not Found" not in body


@override_settings(ROOT_URLCONF=__name__)
def test_403_says_what_the_user_may_do_instead(client_for, staff):
    response = client_for(staff).get("/refuse/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "无权访问此页面" in body and "您可以：" in body
    assert 'href="/"' in body  # home
    assert "合规负责人或系统管理员" in body  # who to ask
    assert "Forbidden" not in body


def test_403_from_a_real_page_for_a_role_without_it(client_for, staff):
    response = client_for(staff).get("/audit/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "无权访问此页面" in body and "Forbidden" not in body


@override_settings(ROOT_URLCONF=__name__)
def test_500_is_chinese_and_needs_no_request_context(rf):
    client = Client(raise_request_exception=False)
    response = client.get("/fail/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统内部出错" in body and "返回我的首页" in body
    assert "Server Error" not in body
    # the handler renders without a request: nothing that may have failed is needed
    direct = error_views.server_error(rf.get("/"))
    assert direct.status_code == 500 and "系统内部出错" in direct.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_csrf_failure_is_chinese_and_says_what_to_do(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post("/form/", {"x": "1"}, HTTP_REFERER="http://testserver/form/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "表单已失效" in body and "刷新页面后重新提交" in body
    assert 'href="http://testserver/form/"' in body  # back to the form
    assert "CSRF verification failed" not in body
