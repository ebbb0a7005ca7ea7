"""Forms of the catalogue, the sharing gate and the ledger pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.policy import visible_to

from .forms import InlineForm
from .models import (
    CatalogueItem,
    CooperationAgreement,
    DataLevel,
    SharingArea,
    SharingMethod,
    SharingTier,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")  # what <input type=date> reads


class BootstrapForm(forms.Form):
    """Plain Bootstrap 5 classes on every widget (until the design system's crispy forms)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css


class CatalogueSearchForm(BootstrapForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("Business category"), required=False)
    level = forms.TypedChoiceField(
        label=_("Data level"),
        choices=[("", "—"), *DataLevel.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    tier = forms.ChoiceField(
        label=_("Sharing tier"), choices=[("", "—"), *SharingTier.choices], required=False
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [(c, c) for c in categories]


class CatalogueImportForm(BootstrapForm):
    title = forms.CharField(label=_("Version title"), max_length=200)
    table = forms.FileField(
        label=_("Classification and grading table (.xlsx)"),
        help_text=_(
            "Columns: 编码, 中文名称, 英文名称, 定义, 数据类型, 代码值, 业务类别, 监管属性, 级别, 共享层级."
        ),
    )


class CatalogueApprovalForm(InlineForm):
    comment = forms.CharField(label=_("Approval comment"), max_length=2000, required=False)


class CommentForm(BootstrapForm):
    """An approver's decision on a sharing request (a refusal says why: the service asks)."""

    comment = forms.CharField(
        label=_("Comment"),
        help_text=_("Required when refusing."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SharingRequestForm(BootstrapForm):
    agreement = forms.ModelChoiceField(
        label=_("Cooperation agreement"), queryset=CooperationAgreement.objects.none()
    )
    items = forms.ModelMultipleChoiceField(
        label=_("Data items (from the catalogue)"),
        queryset=CatalogueItem.objects.none(),
        help_text=_("Level and tier are derived from the items you choose."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    area = forms.ChoiceField(label=_("Sharing area"), choices=SharingArea.choices)
    method = forms.ChoiceField(label=_("Method"), choices=SharingMethod.choices)
    channel = forms.CharField(label=_("Channel"), max_length=200)
    record_count = forms.IntegerField(label=_("Number of records"), min_value=1)
    encrypted = forms.BooleanField(
        label=_("Shared encrypted or masked"), required=False, initial=True
    )
    checksums = forms.CharField(
        label=_("Checksums (SHA-256, one a line)"),
        required=False,
        max_length=6600,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    purpose = forms.CharField(
        label=_("Purpose"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    post_share_duties = forms.CharField(
        label=_("Duties after sharing"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    cross_border = forms.BooleanField(label=_("Leaves the mainland"), required=False)
    cross_border_legal_basis = forms.CharField(
        label=_("Legal basis for the cross-border transfer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    valid_from = forms.DateField(label=_("Share from"), widget=DateInput)
    valid_until = forms.DateField(label=_("Share until"), widget=DateInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = visible_to(
            user, CooperationAgreement.objects.in_force()
        ).select_related("counterparty")
        self.fields["items"].queryset = CatalogueItem.objects.in_force().order_by(
            "business_category", "code"
        )

    def clean_checksums(self):
        return [
            line.strip() for line in self.cleaned_data["checksums"].splitlines() if line.strip()
        ]


class AssessmentForm(BootstrapForm):
    purpose = forms.CharField(
        label=_("Purpose is reasonable"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    scope = forms.CharField(
        label=_("Scope and compliance of the data"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    method = forms.CharField(
        label=_("Security of the method"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    duties = forms.CharField(
        label=_("Duties and constraints after sharing"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    conclusion = forms.CharField(
        label=_("Conclusion"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ChecksumForm(InlineForm):
    checksum = forms.CharField(
        label=_("Checksum (SHA-256)"),
        max_length=64,
        error_messages={"required": _("A checksum must be 64 hexadecimal digits (SHA-256).")},
    )


class UsagePeriodForm(forms.Form):
    """The usage page's period (a GET filter): the last so many days."""

    DEFAULT_DAYS = 90

    days = forms.IntegerField(
        label=_("Last days"),
        min_value=1,
        max_value=3660,
        required=False,
        initial=DEFAULT_DAYS,
    )
