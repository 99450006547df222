"""The collector's pages, included at the site root."""

from django.urls import path

from . import collector, collector_changes

urlpatterns = [
    path("tasks/", collector.tasks_today, name="tasks_today"),
    path("tasks/sheet/", collector.task_sheet, name="task_sheet"),
    path("tasks/<int:household_id>/record/", collector.contact_record_view, name="contact_record"),
    path("tasks/<int:household_id>/history/", collector.household_history_view, name="household_history"),
    path("tasks/contacts/<int:contact_id>/edit/", collector_changes.contact_edit_view, name="contact_edit"),
]
