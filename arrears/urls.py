from django.urls import path

from .views import home, households, imports

urlpatterns = [
    path("", home.home, name="home"),
    path("households/", households.HouseholdListView.as_view(), name="household_list"),
    path("households/<int:pk>/", households.household_detail, name="household_detail"),
    path("import/", imports.import_upload, name="import_upload"),
    path("import/template.xlsx", imports.import_template, name="import_template"),
    path("import/<uuid:token>/", imports.import_preview, name="import_preview"),
]
