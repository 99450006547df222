"""The owner's page (扫码查账): public URLs under a signed token, kept short for SMS and QR codes."""

from django.urls import path

from .views import owner

urlpatterns = [
    path("<str:token>/", owner.owner_page_view, name="owner_page"),
    path("<str:token>/promise/", owner.owner_promise_view, name="owner_promise"),
    path("<str:token>/callback/", owner.owner_callback_view, name="owner_callback"),
    path("<str:token>/issue/", owner.owner_issue_view, name="owner_issue"),
    path("<str:token>/optout/", owner.owner_optout_view, name="owner_optout"),
]
