from django.urls import path

from openmash.feeds import views

app_name = "feeds"

urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/<uuid:batch_id>/", views.import_detail, name="import_detail"),
    path("imports/<uuid:batch_id>/progress/", views.import_progress, name="import_progress"),
    path("imports/<uuid:batch_id>/report.csv", views.import_report, name="import_report"),
    path("feeds/", views.mappings, name="mappings"),
    path("feeds/changes/<uuid:change_id>/", views.mapping_change, name="mapping_change"),
    path("feeds/<slug:feed_code>/", views.mapping_detail, name="mapping_detail"),
]
