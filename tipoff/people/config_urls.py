"""A body's settings pages, under /office/config/ (administrators of the body only)."""

from django.urls import path

from tipoff.people import config_views

app_name = "config"
urlpatterns = [
    path("", config_views.settings_index, name="index"),
    path("profile/", config_views.profile, name="profile"),
    path("<slug:kind>/", config_views.kind_list, name="list"),
    path("<slug:kind>/new/", config_views.kind_edit, name="new"),
    path("<slug:kind>/<int:pk>/", config_views.kind_edit, name="edit"),
    path("<slug:kind>/<int:pk>/delete/", config_views.kind_delete, name="delete"),
]
