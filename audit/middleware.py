from auditlog.middleware import AuditlogMiddleware

from .context import Channel, channel


class AuditContextMiddleware(AuditlogMiddleware):
    """Sets the actor (django-auditlog) and the channel for everything a request changes."""

    def __call__(self, request):
        path = request.path_info
        if path.startswith("/admin/"):
            value = Channel.ADMIN
        elif path.startswith("/api/"):
            value = Channel.API
        else:
            value = Channel.WEB
        with channel(value):
            return super().__call__(request)
