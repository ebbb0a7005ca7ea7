"""Signals other apps (reporting, training) build on. Sent inside the writing transaction, so a
receiver's writes (e.g. report deadlines) commit or roll back with the change itself.

incident_graded(sender=Incident, incident, old_grade, new_grade, actor, reason)
    after a first grading (old_grade == "") and after every regrade.
incident_resolved(sender=Incident, incident, actor)
    after the case moves to resolved (incident.resolved_at is set).
incident_reassigned(sender=Incident, incident, old_assignee, new_assignee, actor)
    while the case changes hands: receivers return the records of theirs whose deadlines
    follow the case's handler (reports), so every clock moves in one step.
"""

from django.dispatch import Signal

incident_graded = Signal()
incident_resolved = Signal()
incident_reassigned = Signal()

# incident_reporting_facts_changed(sender=Incident, incident, actor, reason)
#     after a fact the reporting rules read changed: service restored, suspected crime flagged,
#     cause marked unknown or established.
incident_reporting_facts_changed = Signal()
