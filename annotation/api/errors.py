"""One error shape for the whole API: DRF's field-level dict, and never a 500 for bad input.

Django's ValidationError (raised by services) and IntegrityError from a constraint become 400s;
a stale revision becomes 409 (see annotation.services).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..services.exceptions import ConflictError


def exception_handler(exc, context):
    if isinstance(exc, ConflictError):  # keeps numbers (the current revision) as numbers
        return Response(exc.detail, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError) and getattr(exc, "api_detail", None) is not None:
        exc = exceptions.ValidationError(detail=exc.api_detail)
    elif isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, IntegrityError):
        return Response(
            {"non_field_errors": ["This change conflicts with existing data."]}, status=status.HTTP_400_BAD_REQUEST
        )
    return drf_exception_handler(exc, context)
