"""The site's URLs and one page the matrix does not list (tests/test_matrix.py)."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site

urlpatterns = [*site, path("unlisted/", lambda request: HttpResponse("open"), name="unlisted_page")]
