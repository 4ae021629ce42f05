"""The back office, under /office/."""

from django.urls import path

from tipoff.office import admin_views, views

app_name = "office"
urlpatterns = [
    path("", views.home, name="home"),
    path("queue/<slug:name>/", views.queue, name="queue"),
    path("queue/<slug:name>/export.csv", views.queue_csv, name="queue_csv"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/do/<slug:action>/", views.case_action, name="case_action"),
    path("cases/<int:pk>/duplicates/", views.case_duplicates, name="case_duplicates"),
    path("cases/<int:pk>/dossier.pdf", views.case_pdf, name="case_pdf"),
    path("cases/<int:pk>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path(
        "cases/<int:pk>/evidence/<int:evidence_id>/view/",
        views.evidence_preview,
        name="evidence_preview",
    ),
    path(
        "cases/<int:pk>/evidence/<int:evidence_id>/small.jpg",
        views.evidence_thumbnail,
        name="evidence_thumbnail",
    ),
    path("cases/<int:pk>/files/<int:file_id>/", views.file_download, name="file"),
    path("audit/", admin_views.audit_list, name="audit"),
    path("audit/export.csv", admin_views.audit_csv, name="audit_csv"),
    path("settings/", admin_views.settings_view, name="settings"),
    path("settings/measures/<int:pk>/toggle/", admin_views.sanction_toggle, name="sanction_toggle"),
    path("exclusions/", admin_views.exclusions, name="exclusions"),
    path("exclusions/<int:pk>/lift/", admin_views.exclusion_lift_view, name="exclusion_lift"),
]
