"""Signals other apps listen to. Sent inside the transaction that changed the deadline, so a
receiver's writes commit (or roll back) together with the change.

deadline_missed(sender=Deadline, deadline=d): the sweeper flipped `d` to missed at its due time.
deadline_met(sender=Deadline, deadline=d): `deadline_meet` recorded it as met.
"""

from django.dispatch import Signal

deadline_missed = Signal()
deadline_met = Signal()
