from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render

from .models import AuditEntry


@login_required
@permission_required("audit.view_auditentry", raise_exception=True)
def audit_log(request):
    entries = AuditEntry.objects.select_related("actor", "content_type").order_by("-id")[:200]
    return render(request, "audit/log.html", {"entries": entries})
