from django.urls import path

from . import views

urlpatterns = [
    path("", views.source_upload, name="import_other_upload"),
    path("<uuid:token>/", views.source_preview, name="import_other_preview"),
    path("<uuid:token>/status/", views.source_status, name="import_other_status"),
]
