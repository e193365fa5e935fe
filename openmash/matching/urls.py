from django.urls import path

from openmash.matching import views

app_name = "matching"

urlpatterns = [
    path("matching/", views.review_queue, name="queue"),
    path("matching/links/<uuid:record_link_id>/", views.link_detail, name="link_detail"),
    path("matching/people/<uuid:person_id>/separate/", views.person_separate, name="person_separate"),
]
