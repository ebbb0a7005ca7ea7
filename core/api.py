from datetime import datetime

import django_filters
from django import forms
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ApplicationError
from .inputs import (
    IMPLAUSIBLE_OFFSET_MESSAGE,
    IMPLAUSIBLE_YEAR_MESSAGE,
    NUL_MESSAGE,
    TOO_LARGE_MESSAGE,
    contains_nul,
    implausible_datetime,
)


def exception_handler(exc, context):
    """ApplicationError and model validation errors become a 400 with a readable message; a body
    over DATA_UPLOAD_MAX_MEMORY_SIZE a JSON 413."""
    if isinstance(exc, ApplicationError):
        return Response({"detail": str(exc.message), **exc.extra}, status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": str(TOO_LARGE_MESSAGE), "code": "too_large"},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    return drf_exception_handler(exc, context)


class PlausibleDateTimeField(serializers.DateTimeField):
    """A date-time field that refuses what no one means (implausible_datetime) with a message
    instead of failing later in the time-zone conversion or the database."""

    default_error_messages = {
        "implausible_year": IMPLAUSIBLE_YEAR_MESSAGE,
        "implausible_offset": IMPLAUSIBLE_OFFSET_MESSAGE,
    }

    def to_internal_value(self, value):
        parsed = value
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None
        if isinstance(parsed, datetime):
            message = implausible_datetime(parsed)
            if message:
                raise serializers.ValidationError(message, code="implausible")
        try:
            result = super().to_internal_value(value)
        except OverflowError:
            self.fail("implausible_year")
        if not 1900 <= result.year <= 2999:
            self.fail("implausible_year")
        return result


@extend_schema_field({"type": "object", "additionalProperties": True})
class JSONObjectField(serializers.JSONField):
    """JSON that must be an object (a form's fields by name), whatever the request's encoding:
    a multipart `content=null` or a list is refused like a malformed value."""

    default_error_messages = {"not_an_object": _("Enter an object of field names and values.")}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            self.fail("not_an_object")
        return value


class StrictJSONField(serializers.JSONField):
    """The model JSONField's API field: null only where allowed, no NUL character anywhere."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value is None and not self.allow_null:
            self.fail("null")
        if contains_nul(value):
            raise serializers.ValidationError(NUL_MESSAGE, code="nul")
        return value


class PlausibleFormDateTimeField(forms.DateTimeField):
    """Django forms' date-time field refusing what no one means (implausible_datetime)."""

    def to_python(self, value):
        result = super().to_python(value)
        message = result and implausible_datetime(result)
        if message:
            raise DjangoValidationError(message, code="implausible")
        return result


class PlausibleDateTimeFilter(django_filters.DateTimeFilter):
    """A date-time filter (django-filter) refusing what no one means with a 400."""

    field_class = PlausibleFormDateTimeField


def install_serializer_defaults():
    """Every ModelSerializer maps model DateTimeFields to the plausible variant and JSONFields
    to the strict one."""
    from django.db import models
    from rest_framework.serializers import ModelSerializer

    ModelSerializer.serializer_field_mapping[models.DateTimeField] = PlausibleDateTimeField
    ModelSerializer.serializer_field_mapping[models.JSONField] = StrictJSONField
