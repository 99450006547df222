"""Admin for departments and staff."""

from django.contrib import admin

from .models import Department, Staff


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    """Departments and their heads."""

    list_display = ("name", "head")
    list_select_related = ("head",)
    search_fields = ("name",)
    autocomplete_fields = ("head",)


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    """Employees: department, seniority, weight in the split, active."""

    list_display = ("name", "user", "department", "seniority", "weight", "phone", "active")
    list_filter = ("department", "seniority", "active")
    list_select_related = ("user", "department")
    search_fields = ("name", "user__username", "phone")
    autocomplete_fields = ("user", "department")
