from django.urls import path

from openmash.patterns import views, views_rules

app_name = "patterns"

urlpatterns = [
    path("flags/", views.flag_list, name="flag_list"),
    path("flags/<uuid:flag_id>/", views.flag_detail, name="flag_detail"),
    path("flags/<uuid:flag_id>/accept/", views.flag_accept, name="flag_accept"),
    path("flags/<uuid:flag_id>/dismiss/", views.flag_dismiss, name="flag_dismiss"),
    path("flags/<uuid:flag_id>/watch/", views.flag_watch, name="flag_watch"),
    path("flags/<uuid:flag_id>/early-help/", views.flag_early_help, name="flag_early_help"),
    path("watch-list/", views.watch_list, name="watch_list"),
    # the partnership's pattern rules (issue 8): read by the partnership admin and the hub's managers, changed by the
    # partnership admin (patterns.views_rules)
    path("pattern-rules/", views_rules.rule_list, name="rule_list"),
    path("pattern-rules.yaml", views_rules.rules_download, name="rules_download"),
    path("pattern-rules/<slug:rule_code>/", views_rules.rule_detail, name="rule_detail"),
    path("pattern-rules/<slug:rule_code>/change/", views_rules.rule_change, name="rule_change"),
]
