"""A body's messaging accounts, under /office/config/channels/ (its administrators only)."""

from django.urls import path

from tipoff.channels import config_views

app_name = "channel_config"
urlpatterns = [
    path("", config_views.account_list, name="list"),
    path("new/", config_views.account_new, name="new"),
    path("<int:pk>/", config_views.account_edit, name="edit"),
    path("<int:pk>/delete/", config_views.account_delete, name="delete"),
]
