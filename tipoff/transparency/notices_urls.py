"""Public notices of typical cases, under /notices/."""

from django.urls import path

from tipoff.transparency import notices_views

app_name = "notices"
urlpatterns = [
    path("", notices_views.notice_list, name="list"),
    path("<int:pk>/", notices_views.notice_detail, name="detail"),
    path("feed/rss/", notices_views.NoticesFeed(), name="rss"),
    path("feed/atom/", notices_views.NoticesAtomFeed(), name="atom"),
]
