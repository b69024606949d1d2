"""URL configuration for mysite project."""

from django.contrib import admin
from django.urls import include, path

from polls import views as poll_views

urlpatterns = [
    path("", poll_views.index),
    path("healthz", poll_views.healthz),
    path("polls/", include("polls.urls")),
    path("admin/", admin.site.urls),
]
