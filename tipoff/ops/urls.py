"""``/metrics`` (token-protected). The health probes are middleware (``ops.health``)."""

from django.urls import path

from tipoff.ops.metrics import metrics_view

app_name = "ops"
urlpatterns = [path("metrics", metrics_view, name="metrics")]
