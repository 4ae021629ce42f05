"""Public pages of the notices of typical cases: the list, one notice, and its feeds.

Only published notices are shown. A withdrawn notice's address answers
410 Gone with a short page saying it was withdrawn (and when), never its
text; a draft or a notice awaiting approval is simply not found (404).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tipoff.people.models import Body
from tipoff.people.selectors import body_default
from tipoff.transparency.models import Notice, NoticeState
from tipoff.transparency.notices_selectors import notices_published

PAGE_SIZE = 20
FEED_SIZE = 30


def _body() -> Body:
    body = body_default()
    if body is None:
        raise Http404("no body configured")
    return body


@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    body = _body()
    page = Paginator(notices_published(body), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "transparency/notice_list.html", {"body": body, "page": page})


@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    body = _body()
    notice = get_object_or_404(
        Notice.objects.select_related("category", "unit").prefetch_related("sanction_kinds"),
        pk=pk,
        body=body,
        state__in=(NoticeState.PUBLISHED, NoticeState.WITHDRAWN),
    )
    if notice.state == NoticeState.WITHDRAWN:
        return render(request, "transparency/notice_withdrawn.html", {"notice": notice}, status=410)
    return render(request, "transparency/notice_detail.html", {"body": body, "notice": notice})


class NoticesFeed(Feed):
    """RSS 2.0 of the default body's published notices (Atom below)."""

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> Body:
        return _body()

    def title(self, obj: Body) -> str:
        return _("Notices of typical cases · %(body)s") % {"body": obj.name()}

    def link(self, obj: Body) -> str:
        return reverse("notices:list")

    def description(self, obj: Body) -> str:
        return _("Anonymised accounts of decided cases, published by %(body)s.") % {
            "body": obj.name()
        }

    def items(self, obj: Body) -> list[Notice]:
        return list(notices_published(obj)[:FEED_SIZE])

    def item_title(self, item: Notice) -> str:
        return item.title()

    def item_description(self, item: Notice) -> str:
        return item.text()

    def item_link(self, item: Notice) -> str:
        return reverse("notices:detail", args=[item.pk])

    def item_pubdate(self, item: Notice) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Notice) -> dt.datetime | None:
        return item.published_at

    def item_categories(self, item: Notice) -> list[str]:
        return [item.category.name()] if item.category else []


class NoticesAtomFeed(NoticesFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Body) -> str:
        return self.description(obj)
