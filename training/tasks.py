"""Celery tasks: thin wrappers that fetch by id and call a service."""

from celery import shared_task

from audit.context import Channel, channel

from . import reminders, services
from .models import Course


@shared_task(bind=True, name=services.courses.GENERATE_ASSIGNMENTS_TASK)
def generate_assignments(self, course_id: int) -> dict:
    """Generate a course's assignments; reports progress (done/total) in the task state, which
    django-celery-results stores in the database for the course page to poll."""

    def progress(done, total):
        self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    course = Course.objects.get(pk=course_id)
    with channel(Channel.TASK):
        created = services.assignments_generate(course=course, progress=progress)
    return {"created": created, "total": course.assignments.count()}


@shared_task(name="training.sync_assignments", ignore_result=True)
def sync_assignments() -> None:
    """Periodic: give people who joined since publication their assignments and schedule the
    reminders of assignments coming due."""
    with channel(Channel.TASK):
        services.assignments_sync_all()
        reminders.schedule_due_soon()
