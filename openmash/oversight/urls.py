from django.urls import path

from openmash.oversight import views

app_name = "oversight"

urlpatterns = [
    path("emergency-access/", views.break_glass, name="break_glass"),
    path("emergency-access/<uuid:break_glass_id>/end/", views.break_glass_end, name="break_glass_end"),
    path("access-notices/<uuid:notice_id>/", views.access_notice, name="access_notice"),
    path("people/<uuid:person_id>/seen-by/", views.person_access_history, name="person_access_history"),
    path("privacy/", views.review_queue, name="review_queue"),
    path("privacy/alerts/<uuid:alert_id>/", views.alert_detail, name="alert_detail"),
    path("privacy/views-without-involvement/", views.report, name="report"),
    path("privacy/views-without-involvement.csv", views.report_export, name="report_export"),
    path("privacy/break-glass-uses/", views.uses_report, name="uses_report"),
    path("privacy/break-glass-uses.csv", views.uses_report_export, name="uses_report_export"),
    path("privacy/subject-access/", views.subject_access, name="subject_access"),
]
