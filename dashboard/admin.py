from django.contrib import admin

from .models import DashboardSnapshot


@admin.register(DashboardSnapshot)
class DashboardSnapshotAdmin(admin.ModelAdmin):
    """Snapshots are written by refresh_dashboard and the hourly task only: read here, never edited."""

    list_display = ("community", "as_of", "computed_at", "seconds")
    list_filter = ("community",)
    date_hierarchy = "as_of"
    exclude = ("data",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
