"""Demo data: a regulator notice with its feedback report and two risk-intelligence items.
Report obligations for demo incidents come from grading them (the incidents demo)."""

from datetime import timedelta

from django.utils import timezone

from core import demo


@demo.register(60, "reporting")
def seed_reporting():
    from accounts.models import User

    from . import services
    from .models import Recipient, RegulatorNotice, RiskIntelligence

    handler = User.objects.filter(username="handler").first()
    officer = User.objects.filter(username="compliance").first()
    if handler is None or officer is None:
        return "reporting: demo people missing, skipped"
    lines = []
    if not RegulatorNotice.objects.filter(reference="沪证监科技〔2026〕12号").exists():
        now = timezone.now()
        notice = services.notice_create(
            reference="沪证监科技〔2026〕12号",
            issuer=Recipient.CSRC_BRANCH,
            title="关于核查疑似客户信息在境外论坛出售的通报",
            received_at=now - timedelta(days=1),
            feedback_due_at=now + timedelta(days=4),
            handler=handler,
            actor=officer,
            content="请于收文后5日内核查并反馈处置情况。",
        )
        lines.append(f"监管通报 {notice.reference}")
        services.intelligence_create(
            actor=handler,
            kind=RiskIntelligence.Kind.DATA_FOR_SALE,
            party=RiskIntelligence.Party.FIRM,
            summary="境外论坛出现疑似本公司客户数据售卖帖",
            source="监管通报转发",
            observed_at=now - timedelta(days=1),
            notice=notice,
        )
        services.intelligence_create(
            actor=handler,
            kind=RiskIntelligence.Kind.IMPERSONATION,
            party=RiskIntelligence.Party.FIRM,
            summary="仿冒本公司App的钓鱼网站",
            source="舆情监测",
            source_url="https://phishing.example.com/",
            observed_at=now - timedelta(hours=6),
        )
        lines.append("风险情报 2 条")
    return "，".join(lines) or None
