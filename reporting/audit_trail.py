from audit.registry import audit_register

from . import models

for _model in (
    models.ReportingRule,
    models.ReportTemplate,
    models.RegulatorNotice,
    models.RiskIntelligence,
    models.RegulatoryReport,
    models.ReportVersion,
    models.ReportApproval,
    models.ReportSubmission,
):
    audit_register(_model)
