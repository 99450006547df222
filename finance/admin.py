"""Admin: closed days and statement uploads, read only (a superuser may delete a close to reopen the day)."""

from django.contrib import admin

from arrears.models import DayClose

from .models import StatementUpload


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DayClose)
class DayCloseAdmin(ReadOnlyAdmin):
    list_display = ("day", "community", "closed_by", "closed_at")
    list_filter = ("community",)
    date_hierarchy = "day"


@admin.register(StatementUpload)
class StatementUploadAdmin(ReadOnlyAdmin):
    list_display = ("uploaded_at", "community", "filename", "line_count", "matched_count", "uploaded_by")
    list_filter = ("community",)
    exclude = ("result",)
