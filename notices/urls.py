"""Every notices page: the letters' wording and batches, the notices with their delivery evidence, the
limitation-risk list and the public arrears list (公示)."""

from django.urls import path

from .views import batches, limitation, notices, publicity, wording

urlpatterns = [
    # The letters: each level's wording per community, and the batches that render them.
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
    # The notices, a notice's page with its deliveries and the files behind them.
    path("", notices.NoticeListView.as_view(), name="notice_list"),
    path("<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("<int:pk>/letter.pdf", notices.notice_pdf, name="notice_pdf"),
    path("deliveries/<int:pk>/photo/", notices.delivery_photo, name="delivery_photo"),
    path("limitation/", limitation.LimitationRiskView.as_view(), name="limitation_risk"),
    # The public arrears list (公示): rooms and amounts, never names.
    path("publicity/", publicity.publicity_index, name="publicity_index"),
    path("publicity/jobs/new/", publicity.publicity_job_new, name="publicity_job_new"),
    path("publicity/jobs/<int:pk>/", publicity.publicity_job, name="publicity_job"),
    path("publicity/jobs/<int:pk>/progress/", publicity.publicity_job_progress, name="publicity_job_progress"),
    path("publicity/jobs/<int:pk>/file.pdf", publicity.publicity_job_pdf, name="publicity_job_pdf"),
]
