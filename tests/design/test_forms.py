"""Every form of the product renders through one renderer (crispy-forms, Bootstrap 5): labels,
required marks, help text and errors laid out the same way; no "---------" in a select."""

from django import forms
from django.template import Context, Template
from django.utils import translation


class IncidentLikeForm(forms.Form):
    title = forms.CharField(label="标题", help_text="一句话说明发生了什么。")
    grade = forms.ChoiceField(label="级别", choices=[("", "---------"), ("I", "I 级")])
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea)


def render(template: str, form) -> str:
    with translation.override("zh-hans"):
        return Template(template).render(Context({"form": form}))


def test_plain_form_tag_renders_with_labels_required_marks_and_help_text():
    html = render("{{ form }}", IncidentLikeForm())
    assert 'for="id_title"' in html and "标题" in html
    assert 'class="asteriskField"' in html  # the required mark
    assert "一句话说明发生了什么。" in html and "form-text" in html
    assert "form-select" in html and "form-control" in html


def test_errors_show_under_their_field():
    form = IncidentLikeForm(data={"title": "", "grade": ""})
    assert not form.is_valid()
    html = render("{{ form }}", form)
    assert "is-invalid" in html and "invalid-feedback" in html


def test_empty_choice_reads_choose_not_dashes():
    html = render("{{ form }}", IncidentLikeForm())
    assert "---------" not in html
    assert "— 请选择 —" in html


def test_sharing_log_is_a_sortable_paginated_table(client_for, officer):
    """django-tables2 with the Bootstrap 5 template: sortable headers, in Chinese."""
    html = client_for(officer).get("/governance/sharing-log/").content.decode()
    assert "table-responsive" in html and "?sort=" in html
    assert "记录时间" in html
    assert "暂无记录" in html  # the empty state says what fills it
