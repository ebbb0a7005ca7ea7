"""Demo firm: departments, job roles and one user per role (password printed once)."""

from core import demo

from .models import Department, JobRole, User
from .roles import Role, assign_role

DEMO_PASSWORD = "Demo-2026!"

DEPARTMENTS = [
    ("info-tech", "信息技术部", Department.Kind.DATA_AUTHORITY),
    ("compliance", "合规管理部", Department.Kind.OTHER),
    ("brokerage", "经纪业务部", Department.Kind.DATA_SOURCE),
    ("risk", "风险管理部", Department.Kind.DATA_USING),
    ("operations", "运营管理部", Department.Kind.DATA_SOURCE),
]
JOB_ROLES = [
    ("data-admin", "数据管理员"),
    ("security-engineer", "安全工程师"),
    ("compliance-specialist", "合规专员"),
    ("business-staff", "业务人员"),
    ("developer", "开发人员"),
]
USERS = [
    # username, display name, department, job role, role, manager
    ("admin", "系统管理员", "info-tech", "data-admin", Role.ADMINISTRATOR, None),
    ("compliance", "王合规", "compliance", "compliance-specialist", Role.COMPLIANCE_OFFICER, None),
    (
        "compliance2",
        "赵审核",
        "compliance",
        "compliance-specialist",
        Role.COMPLIANCE_OFFICER,
        "compliance",
    ),
    ("handler", "李处置", "info-tech", "security-engineer", Role.INCIDENT_HANDLER, "compliance"),
    ("handler2", "陈应急", "info-tech", "security-engineer", Role.INCIDENT_HANDLER, "handler"),
    ("auditor", "刘审计", "risk", "compliance-specialist", Role.AUDITOR, None),
    ("staff", "张员工", "brokerage", "business-staff", Role.STAFF, "handler"),
    ("staff2", "周开发", "info-tech", "developer", Role.STAFF, "handler"),
]


@demo.register(10, "people")
def seed_people():
    departments = {}
    for code, name, kind in DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind}
        )
    roles = {}
    for code, name in JOB_ROLES:
        roles[code], _ = JobRole.objects.get_or_create(code=code, defaults={"name": name})
    lines = [f"演示账号（密码均为 {DEMO_PASSWORD}）："]
    users: dict[str, User] = {}
    for username, display, dept, job, role, manager in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "display_name": display,
                "email": f"{username}@demo.example.com",
                "department": departments[dept],
                "job_role": roles[job],
                "is_superuser": role == Role.ADMINISTRATOR,
                "is_staff": role == Role.ADMINISTRATOR,
            },
        )
        changed = created
        if created:
            user.set_password(DEMO_PASSWORD)
        if manager and user.manager_id is None:
            user.manager = users.get(manager)
            changed = True
        if changed:  # a second run writes nothing
            user.save()
        if not user.groups.filter(name=role).exists():
            assign_role(user, role)
        users[username] = user
        lines.append(f"  {username:<12} {display}（{Role(role).label}）")
    return lines
