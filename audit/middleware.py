from auditlog.cid import set_cid
from auditlog.middleware import AuditlogMiddleware

from .context import Channel, RequestActor, acting_as, channel


class AuditContextMiddleware:
    """Sets the actor, remote address and channel for everything a request changes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith("/admin/"):
            value = Channel.ADMIN
        elif path.startswith("/api/"):
            value = Channel.API
        else:
            value = Channel.WEB
        set_cid(request)
        remote_addr = AuditlogMiddleware._get_remote_addr(request)
        remote_port = AuditlogMiddleware._get_remote_port(request)
        with (
            channel(value),
            acting_as(RequestActor(request), remote_addr=remote_addr, remote_port=remote_port),
        ):
            return self.get_response(request)
