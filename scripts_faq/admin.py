"""Admin for the scripts and answers; saves go through the same services as the edit pages."""

from django.contrib import admin

from .models import FaqAnswer, ScriptEntry
from .services import faq_answer_create, faq_answer_update, script_entry_create, script_entry_update

ENTRY_FIELDS = ("kind", "stage", "section", "title", "body", "order", "published")
ANSWER_FIELDS = ("category", "question", "tips", "body", "legal_refs", "order", "published")


@admin.register(ScriptEntry)
class ScriptEntryAdmin(admin.ModelAdmin):
    """Language norms, visit methods and the phone guide."""

    list_display = ("title", "kind", "stage", "section", "order", "published", "updated_at", "updated_by")
    list_filter = ("kind", "stage", "published")
    list_editable = ("order", "published")
    list_select_related = ("updated_by",)
    search_fields = ("title", "section", "body")
    fields = (*ENTRY_FIELDS, "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")

    def save_model(self, request, obj, form, change):
        # The form has already copied its values onto obj; the service checks and saves them.
        values = {name: getattr(obj, name) for name in ENTRY_FIELDS}
        if change:
            script_entry_update(entry=obj, editor=request.user, **values)
        else:
            obj.pk = script_entry_create(editor=request.user, **values).pk
            obj.refresh_from_db()


@admin.register(FaqAnswer)
class FaqAnswerAdmin(admin.ModelAdmin):
    """Answers to owners' objections, by category."""

    list_display = ("question", "category", "order", "published", "updated_at", "updated_by")
    list_filter = ("category", "published")
    list_editable = ("order", "published")
    list_select_related = ("updated_by",)
    search_fields = ("question", "body", "tips", "legal_refs")
    fields = (*ANSWER_FIELDS, "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")

    def save_model(self, request, obj, form, change):
        # The form has already copied its values onto obj; the service checks and saves them.
        values = {name: getattr(obj, name) for name in ANSWER_FIELDS}
        if change:
            faq_answer_update(answer=obj, editor=request.user, **values)
        else:
            obj.pk = faq_answer_create(editor=request.user, **values).pk
            obj.refresh_from_db()
