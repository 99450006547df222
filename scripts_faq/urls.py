from django.urls import path

from . import views

urlpatterns = [
    path("", views.scripts_home, name="scripts_home"),
    path("search/", views.scripts_search, name="scripts_search"),
    path("faq/<int:pk>/", views.faq_detail, name="faq_detail"),
    path("faq/<int:pk>/edit/", views.faq_edit, name="faq_edit"),
    path("entries/<int:pk>/", views.script_detail, name="script_detail"),
    path("entries/<int:pk>/edit/", views.script_edit, name="script_edit"),
]
