"""Managers' pages for the SMS texts of each community and level, and where owners' problems go."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.models import Community, Household
from arrears.positions import in_arrears
from core.access import add_service_errors, allowed_only

from ..compose import sms_values
from ..forms import OutreachSettingsForm, SmsTemplateForm
from ..models import OutreachSettings, SmsLevel, SmsTemplate
from ..selectors import can_edit_sms_templates
from ..services.templates import outreach_settings_save, sms_template_save
from ..sms_text import PLACEHOLDER_HELP, PLACEHOLDERS, allowed_for, segments, wording_for
from ..sms_text import render as render_text


@allowed_only(can_edit_sms_templates)
def template_list(request):
    saved = {(t.community_id, t.level): t for t in SmsTemplate.objects.all()}
    rows = []
    for community in Community.objects.order_by("code"):
        rows.append(
            {
                "community": community,
                "levels": [
                    (level, label, saved.get((community.pk, level)), wording_for(community, level))
                    for level, label in SmsLevel.choices
                ],
            }
        )
    return render(request, "outreach/template_list.html", {"rows": rows, "backend": settings.SMS_BACKEND})


def _sample(community: Community, level: str, text: str) -> tuple[str, str, int]:
    """The text filled in with a real household of the community (the first in arrears today)."""
    today = timezone.localdate()
    rows = in_arrears(Household.objects.filter(community=community), today)
    if not rows:
        return "", "", 0
    household = Household.objects.select_related("community", "building", "owner").get(pk=rows[0].household_id)
    link = settings.PUBLIC_BASE_URL + "/o/…/" if settings.PUBLIC_BASE_URL else ""
    promise = today if level == SmsLevel.PROMISE else None
    filled, _params = render_text(text, sms_values(household, rows[0], today, link=link, promised_date=promise))
    return household.label, filled, segments(filled, settings.SMS_SIGN_NAME)


@allowed_only(can_edit_sms_templates)
def template_edit(request, community_pk: int, level: str):
    community = get_object_or_404(Community, pk=community_pk)
    if level not in SmsLevel.values:
        raise Http404
    wording = wording_for(community, level)
    initial = {"text": wording.text, "vendor_code": wording.vendor_code, "enabled": wording.enabled}
    form = SmsTemplateForm(request.POST or None, initial=initial)
    status = 200
    text = wording.text
    if request.method == "POST":
        status = 400
        if form.is_valid():
            text = form.cleaned_data["text"]
            if "preview" not in request.POST:
                try:
                    sms_template_save(community=community, level=level, user=request.user, **form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("短信模板已保存"))
                    return redirect("sms_template_list")
            else:
                status = 200
    sample_label, sample_text, sample_segments = ("", "", 0)
    if not form.errors:
        sample_label, sample_text, sample_segments = _sample(community, level, text)
    context = {
        "community": community,
        "level": level,
        "level_label": SmsLevel(level).label,
        "form": form,
        "is_default": wording.is_default,
        "placeholders": [(name, PLACEHOLDERS[name], PLACEHOLDER_HELP[name]) for name in allowed_for(level)],
        "sample_label": sample_label,
        "sample_text": sample_text,
        "sample_segments": sample_segments,
        "sign_name": settings.SMS_SIGN_NAME,
    }
    return render(request, "outreach/template_edit.html", context, status=status)


@allowed_only(can_edit_sms_templates)
def settings_edit(request, community_pk: int):
    community = get_object_or_404(Community, pk=community_pk)
    current = OutreachSettings.objects.filter(community=community).first()
    initial = {
        "issue_department": current.issue_department if current else None,
        "issue_days": current.issue_days if current else 3,
    }
    form = OutreachSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        outreach_settings_save(community=community, **form.cleaned_data)
        messages.success(request, _("已保存"))
        return redirect("sms_template_list")
    return render(
        request,
        "outreach/settings_edit.html",
        {"community": community, "form": form},
        status=400 if form.errors else 200,
    )
