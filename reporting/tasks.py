"""Celery tasks: thin wrappers that fetch by id and call a service."""

from celery import shared_task

from audit.context import Channel, channel


@shared_task(name="reporting.render_documents", ignore_result=True, acks_late=True)
def render_documents(version_id: int) -> None:
    """After an approval commits: the version's PDF and DOCX (idempotent)."""
    from . import services
    from .models import ReportVersion

    version = ReportVersion.objects.filter(pk=version_id).first()
    if version is None:
        return
    with channel(Channel.TASK):
        services.version_render_documents(version=version)


@shared_task(name="reporting.render_missing_documents", ignore_result=True)
def render_missing_documents() -> int:
    """Every few minutes (beat): documents a lost task or a broker outage left unrendered."""
    from . import services

    with channel(Channel.TASK):
        return services.documents_render_missing()
