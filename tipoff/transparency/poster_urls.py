"""The team directory on paper, under /teams/ (public)."""

from django.urls import path

from tipoff.transparency import poster

app_name = "poster"
urlpatterns = [
    path("print/", poster.print_list, name="print"),
    path("poster/", poster.poster, name="poster"),
]
