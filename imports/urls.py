from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.import_upload, name="import_upload"),
    path("template.xlsx", views.import_template, name="import_template"),
    path("<uuid:token>/", views.import_preview, name="import_preview"),
    path("<uuid:token>/status/", views.import_status, name="import_status"),
    path("other/", include("imports.sources.urls")),
]
