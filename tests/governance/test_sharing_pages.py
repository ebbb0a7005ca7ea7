"""The gate's pages: a request made on the page, refused with its rule named in the form, then
approved on its page by the data-authority department; the catalogue import page names bad rows."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.models import CatalogueVersion, SharingRequest

from .sharing_fixtures import ROWS, workbook

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def form(agreement, items, **extra):
    data = {
        "agreement": agreement.pk,
        "items": [i.pk for i in items],
        "area": "controlled",
        "method": "api",
        "channel": "接口",
        "record_count": 100,
        "encrypted": "on",
        "purpose": "风险监测",
        "post_share_duties": "不得转授",
        "valid_from": TODAY.isoformat(),
        "valid_until": (TODAY + datetime.timedelta(days=10)).isoformat(),
    }
    data.update(extra)
    return data


def test_request_refused_on_the_page_names_the_rule(
    client_for, catalogue, active_agreement, requester
):
    client = client_for(requester)
    response = client.post(
        reverse("governance:sharing-request-create"),
        form(active_agreement, [catalogue["JY-001"]], cross_border="on"),
    )
    assert response.status_code == 400
    assert "cross-border-basis" in response.content.decode()
    assert not SharingRequest.objects.exists()


def test_request_made_and_approved_on_the_pages(
    client_for, catalogue, active_agreement, requester, handler
):
    response = client_for(requester).post(
        reverse("governance:sharing-request-create"), form(active_agreement, [catalogue["JY-001"]])
    )
    request = SharingRequest.objects.get()
    assert response.status_code == 302 and response.url == request.get_absolute_url()
    page = client_for(handler).get(request.get_absolute_url())
    assert page.context["may_decide"]
    client_for(handler).post(
        reverse("governance:sharing-request-approve", args=[request.pk]), {"comment": "同意"}
    )
    request.refresh_from_db()
    assert request.state == SharingRequest.State.APPROVED


def test_catalogue_import_page_names_the_bad_row(client_for, officer):
    rows = [*ROWS, ["BAD-1", "坏行", "", "定义", "文本", "", "交易", "", "9", "内部"]]
    response = client_for(officer).post(
        reverse("governance:catalogue-import"),
        {
            "title": "坏表",
            "table": SimpleUploadedFile("t.xlsx", workbook(rows)),
        },
        follow=True,
    )
    text = response.content.decode()
    assert "Row 6 (BAD-1)" in text
    assert not CatalogueVersion.objects.exists()
