from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ApplicationError


def exception_handler(exc, context):
    """ApplicationError and model validation errors become a 400 with a readable message."""
    if isinstance(exc, ApplicationError):
        return Response({"detail": str(exc.message), **exc.extra}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    return drf_exception_handler(exc, context)


class PlausibleDateTimeField(serializers.DateTimeField):
    """Refuses years outside 1900–2999: Asia/Shanghai before 1900 is local mean time (+08:05:43),
    which no client expects, and such dates are always typing mistakes in this domain."""

    default_error_messages = {
        "implausible_year": _("Enter a date between the years 1900 and 2999."),
    }

    def to_internal_value(self, value):
        result = super().to_internal_value(value)
        if not 1900 <= result.year <= 2999:
            self.fail("implausible_year")
        return result


def install_serializer_defaults():
    """Every ModelSerializer maps model DateTimeFields to the plausible variant."""
    from django.db import models
    from rest_framework.serializers import ModelSerializer

    ModelSerializer.serializer_field_mapping[models.DateTimeField] = PlausibleDateTimeField
