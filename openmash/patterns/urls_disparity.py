"""The disparity monitoring page of flags and its CSV (``patterns.views_disparity``), included from config/urls.py."""

from django.urls import path

from openmash.patterns import views_disparity

app_name = "patterns_disparity"

urlpatterns = [
    path("reports/flag-disparity/", views_disparity.disparity, name="disparity"),
    path("reports/flag-disparity.csv", views_disparity.disparity_export, name="disparity_export"),
]
