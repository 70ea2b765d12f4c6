"""The first line's pages: taking a call into a ticket under /dispatch/intake/, and the ticket
page under /desk/tickets/."""

from django.urls import include, path, re_path

from . import views

app_name = "desk"

intake = [
    path("", views.intake, name="intake"),
    path("appliances/", views.add_appliance, name="add_appliance"),
    path("sites/", views.add_site, name="add_site"),
    path("customers/", views.customer_search, name="customer_search"),
    path("callers/", views.new_caller, name="new_caller"),
    path("codes/", views.code_search, name="code_search"),
    path("preview/", views.preview, name="intake_preview"),
]

# A ticket is named by its number (T-000123), as people read it out.
tickets = [
    re_path(r"^(?P<number>T-[0-9]+)/$", views.ticket, name="ticket"),
    re_path(
        r"^(?P<number>T-[0-9]+)/(?P<action>[a-z_]+)/$", views.ticket_action, name="ticket_action"
    ),
]

urlpatterns = [
    path("dispatch/intake/", include(intake)),
    path("desk/tickets/", include(tickets)),
]
