from django.contrib import admin
from django.urls import path

from catalog.views import book_list

urlpatterns = [
    path("", book_list),
    path("admin/", admin.site.urls),
]
