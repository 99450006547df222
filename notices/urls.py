from django.urls import include, path

# Three parts: the letters and their rendering batches, the notices list with delivery evidence,
# and the public arrears list (公示).
urlpatterns = [
    path("", include("notices.urls_letters")),
    path("", include("notices.urls_delivery")),
    path("", include("notices.urls_public")),
]
