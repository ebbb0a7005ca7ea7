from django.db.models.signals import pre_save
from django.dispatch import receiver

from .context import current_channel
from .models import AuditEntry


@receiver(pre_save, sender=AuditEntry, dispatch_uid="audit.channel")
def stamp_channel(sender, instance, **kwargs):
    if instance._state.adding:
        instance.channel = current_channel()
