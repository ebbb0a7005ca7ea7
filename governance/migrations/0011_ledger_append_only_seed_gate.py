"""The ledger is append-only in the database too (PostgreSQL trigger, like the audit trail and
the sharing log); the approval matrix and bulk thresholds are seeded; every sharing registration
made before the gate is carried over as a sharing request (its typed level and tier kept, its
dataset as text), so the new pages and the ledger see the whole history."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION governance_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'governance_ledgerevent is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS governance_ledger_append_only ON governance_ledgerevent;
CREATE TRIGGER governance_ledger_append_only
    BEFORE UPDATE OR DELETE ON governance_ledgerevent
    FOR EACH ROW EXECUTE FUNCTION governance_ledger_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS governance_ledger_append_only ON governance_ledgerevent;
DROP FUNCTION IF EXISTS governance_ledger_append_only();
"""

STATE = {
    "authority": ("pending", ["data_authority"]),
    "approval": ("pending", ["compliance"]),
    "approved": ("approved", []),
    "refused": ("refused", []),
    "withdrawn": ("withdrawn", []),
}


def trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def untrigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


def seed(apps, schema_editor):
    from governance.seed_sharing import seed as seed_rows

    seed_rows(apps)


def carry_over(apps, schema_editor):
    Registration = apps.get_model("governance", "SharingRegistration")
    Request = apps.get_model("governance", "SharingRequest")
    Approval = apps.get_model("governance", "SharingApproval")
    for reg in Registration.objects.select_related("agreement").order_by("pk"):
        state, waiting = STATE.get(reg.state, ("pending", ["data_authority"]))
        request = Request.objects.create(
            reference=reg.reference,
            agreement_id=reg.agreement_id,
            counterparty_id=reg.counterparty_id,
            legacy_dataset=reg.dataset,
            data_level=reg.data_level,
            sharing_tier=reg.sharing_tier,
            area=reg.agreement.area,
            method="file",
            channel="—",
            record_count=reg.record_count or 0,
            is_bulk=reg.is_bulk_one_time,
            encrypted=True,
            purpose=reg.purpose,
            post_share_duties="—",
            valid_from=reg.planned_on,
            valid_until=max(reg.planned_on, reg.agreement.ends_on),
            state=state,
            required_approvers=waiting
            + (["data_authority"] if reg.authority_approved_by_id and not waiting else []),
            decision_comment=reg.decision_comment,
            decided_at=reg.approved_at if state == "approved" else None,
            requested_by_id=reg.requested_by_id,
            legacy_registration_id=reg.pk,
        )
        if reg.authority_approved_by_id:
            Approval.objects.create(
                request=request,
                approver="data_authority",
                decision="approved",
                decided_by_id=reg.authority_approved_by_id,
                decided_at=reg.authority_approved_at or reg.created_at,
                comment=reg.decision_comment,
            )
        if state == "approved" and reg.approved_by_id and reg.is_bulk_one_time:
            Approval.objects.create(
                request=request,
                approver="compliance",
                decision="approved",
                decided_by_id=reg.approved_by_id,
                decided_at=reg.approved_at or reg.created_at,
            )


class Migration(migrations.Migration):
    dependencies = [("governance", "0010_catalogue_requests_ledger")]

    operations = [
        migrations.RunPython(trigger, untrigger, elidable=False),
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
    ]
