"""Channel webhooks, one URL per channel account."""

from django.urls import path

from tipoff.channels import views

app_name = "channels"
urlpatterns = [
    path("<slug:kind>/<str:account>/", views.webhook, name="webhook"),
]
