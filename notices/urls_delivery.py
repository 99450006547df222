"""The notices list, a notice's page with its deliveries, the files behind them, and the limitation-risk list."""

from django.urls import path

from .views import limitation, notices

urlpatterns = [
    path("", notices.NoticeListView.as_view(), name="notice_list"),
    path("<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("<int:pk>/letter.pdf", notices.notice_pdf, name="notice_pdf"),
    path("deliveries/<int:pk>/photo/", notices.delivery_photo, name="delivery_photo"),
    path("limitation/", limitation.LimitationRiskView.as_view(), name="limitation_risk"),
]
