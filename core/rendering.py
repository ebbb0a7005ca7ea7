"""The product's one form renderer (settings.FORM_RENDERER): ``{{ form }}`` and
``{{ form.field.as_field_group }}`` render through django-crispy-forms' Bootstrap 5 pack, so every
form has labels, required marks, help text and errors laid out the same way (docs/design.md)."""

from django.forms.renderers import DjangoTemplates

# Django's own templates the product replaces: a select's empty choice reads "— 请选择 —"
# instead of "---------".
OVERRIDES = {"django/forms/widgets/select.html": "core/forms/select.html"}


class FormRenderer(DjangoTemplates):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"

    def get_template(self, template_name):
        return super().get_template(OVERRIDES.get(template_name, template_name))
