"""Routes of the register of sharing media and of the sharing evaluation (one URL per action)."""

from django.urls import path

from . import media_views as v

M = "governance/media/<int:pk>/"
E = "governance/evaluations/<int:pk>/"

urlpatterns = [
    path("governance/media/", v.medium_list, name="medium-list"),
    path("governance/media/new/", v.medium_create, name="medium-create"),
    path(M, v.medium_detail, name="medium-detail"),
    path(M + "liability/", v.medium_liability, name="medium-liability"),
    path(M + "checks/", v.medium_check, name="medium-check"),
    path(M + "use-requests/", v.medium_use_request, name="medium-use-request"),
    path(
        M + "use-requests/<int:request_pk>/approve/",
        v.medium_use_approve,
        name="medium-use-approve",
    ),
    path(
        M + "use-requests/<int:request_pk>/refuse/", v.medium_use_refuse, name="medium-use-refuse"
    ),
    path(
        M + "use-requests/<int:request_pk>/return/", v.medium_use_return, name="medium-use-return"
    ),
    path(M + "handovers/", v.medium_handover, name="medium-handover"),
    path(
        M + "handovers/<int:handover_pk>/confirm/",
        v.medium_handover_confirm,
        name="medium-handover-confirm",
    ),
    path(
        M + "handovers/<int:handover_pk>/decline/",
        v.medium_handover_decline,
        name="medium-handover-decline",
    ),
    path(M + "dispose/", v.medium_dispose, name="medium-dispose"),
    path("governance/evaluations/", v.evaluation_list, name="evaluation-list"),
    path("governance/evaluations/new/", v.evaluation_create, name="evaluation-create"),
    path(E, v.evaluation_detail, name="evaluation-detail"),
    path(E + "plan/", v.evaluation_update, name="evaluation-update"),
    path(E + "team/", v.evaluation_member_add, name="evaluation-member-add"),
    path(
        E + "team/<int:member_pk>/remove/",
        v.evaluation_member_remove,
        name="evaluation-member-remove",
    ),
    path(E + "scope/prefill/", v.evaluation_prefill, name="evaluation-prefill"),
    path(E + "scope/", v.evaluation_scope_add, name="evaluation-scope-add"),
    path(E + "scope/<int:item_pk>/valid/", v.evaluation_observe, name="evaluation-observe"),
    path(E + "measures/", v.evaluation_measure_add, name="evaluation-measure-add"),
    path(E + "plan/submit/", v.evaluation_plan_submit, name="evaluation-plan-submit"),
    path(E + "plan/approve/", v.evaluation_plan_approve, name="evaluation-plan-approve"),
    path(E + "plan/return/", v.evaluation_plan_return, name="evaluation-plan-return"),
    path(E + "monitoring/", v.evaluation_monitor, name="evaluation-monitor"),
    path(E + "finish/", v.evaluation_finish, name="evaluation-finish"),
    path(E + "report/", v.evaluation_report_save, name="evaluation-report-save"),
    path(E + "report/submit/", v.evaluation_report_submit, name="evaluation-report-submit"),
    path(E + "report/approve/", v.evaluation_report_approve, name="evaluation-report-approve"),
    path(E + "report/return/", v.evaluation_report_return, name="evaluation-report-return"),
    path(E + "report/send/", v.evaluation_send, name="evaluation-send"),
]
