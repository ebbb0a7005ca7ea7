from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    from incidents.seed import CRITERIA, PLANS

    CriterionSet = apps.get_model("incidents", "GradingCriterionSet")
    Criterion = apps.get_model("incidents", "GradingCriterion")
    Plan = apps.get_model("incidents", "ResponsePlan")
    Step = apps.get_model("incidents", "ResponsePlanStep")
    if not CriterionSet.objects.exists():
        cs = CriterionSet.objects.create(
            version=1,
            name="初始定级标准（据监管参考资料）",
            state="active",
            notes="Seeded from regulatory-reference.md; [S] rows need an officer's confirmation.",
        )
        Criterion.objects.bulk_create(
            [
                Criterion(
                    criterion_set=cs,
                    code=code,
                    grade=grade,
                    fact=fact,
                    operator="gte",
                    threshold=Decimal(threshold) if threshold is not None else None,
                    system_category=category,
                    cii_only=cii_only,
                    description=description,
                    source=source,
                    source_status=status,
                    order=i * 10,
                )
                for i, (code, grade, fact, threshold, category, cii_only, description, source, status) in enumerate(CRITERIA)
            ]
        )
    if not Plan.objects.exists():
        for name, category, grade, target, followup, steps in PLANS:
            plan = Plan.objects.create(
                name=name,
                category=category,
                grade=grade,
                target_resolution_hours=target,
                partner_followup_hours=followup,
            )
            Step.objects.bulk_create(
                [
                    Step(plan=plan, title=title, due_offset_hours=hours, order=i * 10)
                    for i, (title, hours) in enumerate(steps)
                ]
            )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
