"""Staff account pages, under /staff/."""

from django.urls import path

from tipoff.people import member_views, views

app_name = "people"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.totp_view, name="totp"),
    path("login/enrol/", views.enrol_view, name="enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("logout/everywhere/", views.logout_everywhere_view, name="logout_everywhere"),
    path("setup/<str:token>/", views.setup_view, name="setup"),
    path("recover/", views.recover_view, name="recover"),
    path("password/", views.password_view, name="password"),
    path("members/", member_views.member_list, name="members"),
    path("members/new/", member_views.member_invite, name="member_invite"),
    path("members/<int:pk>/", member_views.member_edit, name="member_edit"),
    path("members/<int:pk>/grant/", member_views.member_grant, name="member_grant"),
    path("members/<int:pk>/deactivate/", member_views.member_deactivate, name="member_deactivate"),
    path("members/<int:pk>/reset-totp/", member_views.member_reset_totp, name="member_reset_totp"),
    path("members/<int:pk>/unlock/", member_views.member_unlock, name="member_unlock"),
    path("members/<int:pk>/new-link/", member_views.member_relink, name="member_relink"),
]
