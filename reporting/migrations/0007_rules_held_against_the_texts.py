"""Bring the seeded reporting rules to what the texts say (regulatory-findings.md, 2026-12), seed
the templates of the new stages, and show the deadline ("by end of …" / "by … 10:00") in the
default document layout of databases that still use it."""

from django.db import migrations

from reporting.seed import sync_rules

OLD_DEFAULT_BODY = '# {{ report.title }}\n{% if report.is_drill %}【演练】本报告为应急演练材料，不作为正式报送。\n{% endif %}\n| 报送对象 | {{ report.recipient_label }}\n| 报告类型 | {{ report.stage_label }}{% if report.sequence > 1 %}（第{{ report.sequence }}次）{% endif %}\n{% if incident %}| 事件编号 | {{ incident.reference }}\n| 事件名称 | {{ incident.title }}\n| 事件级别 | {{ incident.grade_label }}\n| 发现时间 | {{ incident.discovered_at }}\n{% endif %}{% if notice %}| 通报文号 | {{ notice.reference }}\n| 通报事项 | {{ notice.title }}\n| 反馈期限 | {{ notice.feedback_due_at }}\n{% endif %}\n## 报告内容\n{% for f in fields %}| {{ f.label }} | {{ f.value|default:"—" }}\n{% endfor %}\n## 签发\n| 报告单位 | {{ unit|default:"—" }}\n| 填报人 | {{ author }}\n| 审核签发人 | {{ approved_by }}\n| 签发时间 | {{ approved_at }}\n| 版本 | 第{{ report.version }}版\n'

NEW_STAGE_TEMPLATES = {
    "supplementary": "网络安全事件补报",
    "preliminary": "网络安全事件初步分析报告",
    "crime": "涉嫌违法犯罪网络安全事件报告",
    "drill": "网络安全应急演练报告",
}


def templates(apps, schema_editor):
    from reporting.content import DEFAULT_TEMPLATE_BODY

    ReportTemplate = apps.get_model("reporting", "ReportTemplate")
    ReportTemplate.objects.filter(body=OLD_DEFAULT_BODY).update(body=DEFAULT_TEMPLATE_BODY)
    for stage, name in NEW_STAGE_TEMPLATES.items():
        ReportTemplate.objects.get_or_create(
            stage=stage,
            recipient="",
            name=name,
            defaults={"title": "{{ report.title }}", "body": DEFAULT_TEMPLATE_BODY},
        )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0006_rules_basis_time_of_day_conditions_stages")]

    operations = [
        migrations.RunPython(sync_rules, migrations.RunPython.noop),
        migrations.RunPython(templates, migrations.RunPython.noop),
    ]
