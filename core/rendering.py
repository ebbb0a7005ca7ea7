"""The product's one form renderer (settings.FORM_RENDERER): ``{{ form }}`` and
``{{ form.field.as_field_group }}`` render through django-crispy-forms' Bootstrap 5 pack, so every
form has labels, required marks, help text and errors laid out the same way (docs/design.md)."""

from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
