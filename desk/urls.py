"""The first line's pages: taking a call into a ticket under /dispatch/intake/, the knowledge
base under /desk/kb/, and a ticket's "solved on the phone" under /desk/tickets/."""

from django.urls import include, path

from . import views

app_name = "desk"
intake_patterns = [
    path("", views.intake, name="intake"),
    path("appliances/", views.add_appliance, name="add_appliance"),
    path("sites/", views.add_site, name="add_site"),
    path("customers/", views.customer_search, name="customer_search"),
    path("codes/", views.code_search, name="code_search"),
    path("preview/", views.preview, name="intake_preview"),
]
kb_patterns = [
    path("", views.kb_list, name="kb"),
    path("new/", views.kb_new, name="kb_new"),
    path("<int:article_id>/", views.kb_detail, name="kb_detail"),
    path("<int:article_id>/edit/", views.kb_edit, name="kb_edit"),
]
urlpatterns = [
    path("dispatch/intake/", include(intake_patterns)),
    path("desk/kb/", include(kb_patterns)),
    path(
        "desk/tickets/<str:number>/solve/",
        views.ticket_solve_remotely,
        name="ticket_solve_remotely",
    ),
]
