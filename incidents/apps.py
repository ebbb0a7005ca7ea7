from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self):
        from core import search as search_registry

        from . import search

        for source in search.SOURCES:
            search_registry.register(source)
        from accounts.roles import Role
        from audit.registry import register_app
        from core.navigation import NavItem, register

        from . import demo  # noqa: F401  (registers the demo seeder)

        register_app(
            self,
            options={
                # A confidential reporter is known only to the compliance head: the trail (read
                # by auditors and officers) records the concern without the reporter, and the
                # submission itself runs without an actor (services.concern_submit).
                "Concern": {"exclude_fields": ["reporter", "follow_code_hash"]},
                "ConcernMessage": {"exclude_fields": ["author"]},
            },
        )
        from audit.registry import read_json_as

        from . import grading

        read_json_as("incidents.GradeDecision", "facts", grading.facts_lines)
        read_json_as("incidents.GradeDecision", "matched", grading.matched_lines)

        workers = frozenset({Role.INCIDENT_HANDLER, Role.COMPLIANCE_OFFICER, Role.ADMINISTRATOR})
        readers = workers | {Role.AUDITOR}
        # Auditors read and change nothing: the form would refuse them (policy is_writer).
        from accounts.policy.roles import WRITERS

        register(NavItem("my", _("Report a concern"), "incidents:concern-new", WRITERS, 10))
        register(NavItem("my", _("My concerns"), "incidents:my-concerns", frozenset(), 11))
        register(
            NavItem(
                "my", _("My rectification items"), "incidents:my-rectifications", frozenset(), 12
            )
        )
        register(NavItem("incidents", _("Incidents"), "incidents:list", readers, 10))
        register(NavItem("incidents", _("New incident"), "incidents:create", workers, 11))
        register(NavItem("incidents", _("Emergency plans"), "incidents:plan-list", readers, 40))
        register(NavItem("incidents", _("Concern triage"), "incidents:concern-queue", readers, 12))
        self._register_home()

    def _register_home(self):
        from django.utils import timezone

        from accounts.roles import Role
        from core import home

        from . import clocks, selectors

        clocks.register_source(selectors.case_deadline_clocks)
        handlers = frozenset({Role.INCIDENT_HANDLER})
        officers = frozenset({Role.COMPLIANCE_OFFICER, Role.ADMINISTRATOR})
        staff = frozenset({Role.STAFF})

        def by_grade(user):
            year = timezone.localdate().year
            rows = selectors.incidents_by_grade(user=user, year=year)
            colours = {"I": "#dc3545", "II": "#fd7e14", "III": "#0dcaf0", "IV": "#6c757d"}
            chart = {
                "grid": {"left": 8, "right": 8, "top": 16, "bottom": 8, "containLabel": True},
                "tooltip": {"trigger": "axis"},
                "xAxis": {"type": "category", "data": [r["label"] for r in rows]},
                "yAxis": {"type": "value", "minInterval": 1},
                "series": [
                    {
                        "type": "bar",
                        "barMaxWidth": 36,
                        "data": [
                            {
                                "value": r["n"],
                                "itemStyle": {"color": colours.get(r["grade"], "#adb5bd")},
                            }
                            for r in rows
                        ],
                    }
                ],
            }
            return {"rows": rows, "year": year, "total": sum(r["n"] for r in rows), "chart": chart}

        panels = (
            ("my_cases", _("My open cases"), handlers, 1, lambda u: {
                "cases": selectors.my_open_cases(user=u)}),
            ("my_work", _("My tasks and rectification items"), handlers, 2, lambda u: {
                "tasks": selectors.my_open_tasks(user=u),
                "items": selectors.my_open_rectifications(user=u)}),
            ("by_grade", _("Incidents by grade this year"), officers, 30, by_grade),
            ("my_rectifications", _("My rectification items"), staff, 12, lambda u: {
                "items": selectors.my_open_rectifications(user=u)}),
            ("my_concerns", _("My concerns"), staff, 13, lambda u: {
                "concerns": selectors.my_recent_concerns(user=u)}),
        )  # fmt: skip
        for key, title, roles, order, context in panels:
            home.register(
                home.Panel(
                    key=f"incidents.{key}",
                    title=title,
                    template=f"incidents/home/{key}.html",
                    context=context,
                    roles=roles,
                    order=order,
                )
            )
