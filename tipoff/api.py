"""The JSON API at /api/v1/, assembled from each app's router."""

from ninja import NinjaAPI

from tipoff.reports.api import router as reports_router

api = NinjaAPI(
    title="tipoff API",
    version="1",
    description="Report misconduct of public officials and follow reports up by receipt.",
    urls_namespace="api",
)
api.add_router("", reports_router)
