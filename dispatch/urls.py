"""Pages of the dispatcher's desk, under /dispatch/."""

from django.urls import path

from . import views

app_name = "dispatch"
urlpatterns = [
    path("", views.board, name="board"),
    path("board/version/", views.board_version, name="board_version"),
    path("assign/", views.assign, name="assign"),
    path("visits/<int:visit_id>/unassign/", views.unassign, name="unassign"),
    path("visits/<int:visit_id>/crew/", views.crew, name="crew"),
    path("visits/<int:visit_id>/suggestions/", views.suggestions, name="suggestions"),
    path("tickets/<int:ticket_id>/", views.panel, name="panel"),
    path("tickets/<int:ticket_id>/tier/", views.change_tier, name="tier"),
    path(
        "maintenance/<int:occurrence_id>/skip/",
        views.skip_maintenance,
        name="skip_maintenance",
    ),
]
