"""The managers' edit forms; saving goes through the services."""

from django import forms

from .models import FaqAnswer, ScriptEntry


class FaqAnswerForm(forms.ModelForm):
    """Edit an answer to an objection."""

    class Meta:
        model = FaqAnswer
        fields = ("category", "question", "tips", "body", "legal_refs", "order", "published")
        widgets = {
            "question": forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
            "tips": forms.Textarea(attrs={"rows": 6}),
            "body": forms.Textarea(attrs={"rows": 14}),
            "legal_refs": forms.Textarea(attrs={"rows": 3}),
        }


class ScriptEntryForm(forms.ModelForm):
    """Edit a passage of the scripts."""

    class Meta:
        model = ScriptEntry
        fields = ("kind", "stage", "section", "title", "body", "order", "published")
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}
