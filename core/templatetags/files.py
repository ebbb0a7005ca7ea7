from django import template

from core import files

register = template.Library()


@register.simple_tag
def file_url(obj, field):
    """The checked, audited download URL of a stored file (core.files), "" when there is none."""
    return files.url_for(obj, field)
