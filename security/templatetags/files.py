from django import template

from security import files

register = template.Library()


@register.simple_tag
def file_url(obj, field):
    """The checked, audited download URL of a stored file (security.files), "" when there is none."""
    return files.url_for(obj, field)
