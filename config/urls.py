from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

# Uploaded and generated files under MEDIA_ROOT are never served directly: views check permissions first.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("arrears.urls")),
    path("import/", include("imports.urls")),
    path("", include("assignments.urls")),
    path("scripts/", include("scripts_faq.urls")),
    path("notices/", include("notices.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("finance/", include("finance.urls")),
    path("sms/", include("outreach.urls")),
    path("audit/", include("audit.urls")),
    path("o/", include("outreach.urls_owner")),  # the owner's page: public, under a signed token
]
