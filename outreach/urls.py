"""The SMS pages (/sms/) and the owner links' actions from a household's page."""

from django.urls import path

from .views import links, sms, texts

urlpatterns = [
    path("", sms.batch_list, name="sms_batch_list"),
    path("new/", sms.batch_new, name="sms_batch_new"),
    path("preview/", sms.batch_preview, name="sms_batch_preview"),
    path("<int:pk>/", sms.batch_detail, name="sms_batch_detail"),
    path("<int:pk>/progress/", sms.batch_progress, name="sms_batch_progress"),
    path("<int:pk>/cancel/", sms.batch_cancel, name="sms_batch_cancel"),
    path("<int:pk>/retry/", sms.batch_retry, name="sms_batch_retry"),
    path("opt-outs/", sms.optout_list, name="sms_optout_list"),
    path("opt-outs/<int:pk>/remove/", sms.optout_remove, name="sms_optout_remove"),
    path("templates/", texts.template_list, name="sms_template_list"),
    path("templates/<int:community_pk>/settings/", texts.settings_edit, name="sms_settings_edit"),
    path("templates/<int:community_pk>/<str:level>/", texts.template_edit, name="sms_template_edit"),
    path("households/<int:pk>/link/", links.link_issue, name="owner_link_issue"),
    path("households/<int:pk>/link/revoke/", links.link_revoke, name="owner_link_revoke"),
]
