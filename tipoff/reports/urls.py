"""The public site's addresses (mounted at the root)."""

from django.urls import path

from tipoff import views as site_views
from tipoff.reports import followup_views, views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("teams/", views.teams, name="teams"),
    path("report/", views.categories, name="categories"),
    path("report/<slug:code>/", views.report_form, name="report_form"),
    path("followup/", followup_views.followup, name="followup"),
    path("followup/report/", followup_views.followup_report, name="followup_report"),
    path("followup/evidence/<int:pk>/", followup_views.followup_evidence, name="followup_evidence"),
    path("followup/signout/", followup_views.followup_signout, name="followup_signout"),
    # The installable app: served from the root so the service worker's scope is the whole site.
    path("manifest.webmanifest", site_views.manifest, name="manifest"),
    path("sw.js", site_views.service_worker, name="service_worker"),
    path("offline/", site_views.offline, name="offline"),
    path("favicon.ico", site_views.favicon, name="favicon"),
]
