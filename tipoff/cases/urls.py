from django.urls import path

from tipoff.cases import views

app_name = "office"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("reports/<uuid:public_id>/", views.report_detail, name="report_detail"),
]
