from django.urls import include, path

urlpatterns = [
    path("", include("assignments.views.collector_urls")),
    path("", include("assignments.views.manage_urls")),
]
