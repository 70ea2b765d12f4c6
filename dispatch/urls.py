"""Pages of the dispatcher's desk, under /dispatch/."""

from django.urls import path

from . import intake_views, views

app_name = "dispatch"
urlpatterns = [
    path("", views.board, name="board"),
    path("board/version/", views.board_version, name="board_version"),
    path("assign/", views.assign, name="assign"),
    path("visits/<int:visit_id>/unassign/", views.unassign, name="unassign"),
    path("visits/<int:visit_id>/suggestions/", views.suggestions, name="suggestions"),
    path("tickets/<int:ticket_id>/", views.panel, name="panel"),
    path("tickets/<int:ticket_id>/tier/", views.change_tier, name="tier"),
    path("intake/", intake_views.intake, name="intake"),
    path("intake/appliances/", intake_views.add_appliance, name="add_appliance"),
    path("intake/sites/", intake_views.add_site, name="add_site"),
    path("intake/customers/", intake_views.customer_search, name="customer_search"),
    path("intake/codes/", intake_views.code_search, name="code_search"),
    path("intake/preview/", intake_views.preview, name="intake_preview"),
]
