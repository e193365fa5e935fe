from django.urls import path

from openmash.partnership import views

app_name = "partnership"

urlpatterns = [path("", views.partnership_settings, name="settings")]
