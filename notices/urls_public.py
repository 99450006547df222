from django.urls import path

from .views import publicity

urlpatterns = [
    path("publicity/", publicity.publicity_index, name="publicity_index"),
    path("publicity/buildings/<int:pk>.pdf", publicity.publicity_download, name="publicity_pdf"),
]
