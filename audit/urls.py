from django.urls import path

from . import views

urlpatterns = [
    path("", views.TrailView.as_view(), name="audit_trail"),
]
