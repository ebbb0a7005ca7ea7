"""Excel export of a plan's evaluation figures (openpyxl)."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.exports import xlsx_bytes

from . import selectors


def _sheet(sheets, title, header, rows):
    sheets.append((title, header, rows))


def plan_workbook(*, plan) -> bytes:
    wb = []  # sheets, written by core.exports
    courses = selectors.plan_courses_with_stats(plan=plan)
    _sheet(
        wb,
        _("Courses"),
        [
            _("Course"),
            _("Due date"),
            _("Assigned"),
            _("Completed"),
            _("Completion rate (%)"),
            _("Overdue"),
            _("Pass rate (%)"),
            _("Average score"),
            _("Average rating"),
            _("Feedback responses"),
        ],
        [
            [
                c.title,
                c.due_date.isoformat(),
                s["assigned"],
                s["completed"],
                s["completion_rate"],
                s["overdue"],
                s["pass_rate"],
                s["average_score"],
                s["average_rating"],
                s["feedback_responses"],
            ]
            for c, s in courses
        ],
    )
    rows = []
    for c, _s in courses:
        for q in selectors.question_difficulty(course=c):
            rows.append(
                [
                    c.title,
                    q["question"].text,
                    q["question"].get_kind_display(),
                    q["answered"],
                    q["right"],
                    q["correct_rate"],
                    q["difficulty"],
                ]
            )
    _sheet(
        wb,
        _("Questions"),
        [
            _("Course"),
            _("Question"),
            _("Kind"),
            _("Answered"),
            _("Answered right"),
            _("Correct rate (%)"),
            _("Difficulty (%)"),
        ],
        rows,
    )
    header = [
        _("Name"),
        _("Assigned"),
        _("Completed"),
        _("Completion rate (%)"),
        _("Average score"),
    ]
    for title, data in (
        (_("By department"), selectors.completion_by_department(plan=plan)),
        (_("By job role"), selectors.completion_by_role(plan=plan)),
    ):
        _sheet(
            wb,
            title,
            header,
            [
                [r["name"], r["assigned"], r["completed"], r["completion_rate"], r["average_score"]]
                for r in data
            ],
        )
    _sheet(
        wb,
        _("Feedback"),
        [_("Course"), _("Trainee"), _("Rating"), pgettext("feedback", "Comments"), _("Date")],
        [
            [
                f.assignment.course.title,
                str(f.assignment.user),
                f.rating,
                f.comments,
                f.created_at.date().isoformat(),
            ]
            for f in selectors.feedback_for(plan=plan)
        ],
    )
    return xlsx_bytes(wb)
