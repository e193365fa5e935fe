from django.urls import path

from openmash.accounts import views

app_name = "accounts"

urlpatterns = [
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<uuid:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
