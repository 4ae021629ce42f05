from django.urls import path

from tipoff.transparency import stats_views

app_name = "transparency"
urlpatterns: list = [
    path("statistics/", stats_views.statistics, name="statistics"),
    path("statistics/<slug:name>.csv", stats_views.statistics_csv, name="statistics_csv"),
]
