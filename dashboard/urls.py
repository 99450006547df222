from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("api/<slug:part>/", views.dashboard_api, name="dashboard_api"),
]
