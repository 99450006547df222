"""The letters: each level's wording per community, and the batches that render them."""

from django.urls import path

from .views import batches, wording

urlpatterns = [
    path("wording/", wording.wording_list, name="notice_wording_list"),
    path("wording/<int:community_pk>/<str:level>/", wording.wording_edit, name="notice_wording_edit"),
    path("batches/", batches.batch_list, name="notice_batch_list"),
    path("batches/new/", batches.batch_new, name="notice_batch_new"),
    path("batches/preview/", batches.batch_preview_view, name="notice_batch_preview"),
    path("batches/<int:pk>/", batches.batch_detail, name="notice_batch_detail"),
    path("batches/<int:pk>/progress/", batches.batch_progress, name="notice_batch_progress"),
    path("batches/<int:pk>/retry/", batches.batch_retry_view, name="notice_batch_retry"),
    path("batches/<int:pk>/letters.pdf", batches.batch_pdf, name="notice_batch_pdf"),
    path("batches/<int:pk>/letters/<int:notice_pk>.pdf", batches.batch_letter_pdf, name="notice_batch_letter_pdf"),
]
