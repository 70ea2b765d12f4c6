"""The first line's pages: taking a call into a ticket (under /dispatch/intake/) and the
ticket list (under /desk/tickets/). Mounted at the site's root by fieldservice/urls.py."""

from django.urls import include, path

from . import views

app_name = "desk"
intake = [
    path("", views.intake, name="intake"),
    path("appliances/", views.add_appliance, name="add_appliance"),
    path("sites/", views.add_site, name="add_site"),
    path("customers/", views.customer_search, name="customer_search"),
    path("codes/", views.code_search, name="code_search"),
    path("preview/", views.preview, name="intake_preview"),
]
tickets = [
    path("", views.ticket_list, name="tickets"),
    path("export.csv", views.ticket_export, name="ticket_export"),
    path("filters/", views.save_filter, name="save_filter"),
    path("filters/<int:filter_id>/", views.apply_filter, name="apply_filter"),
    path("filters/<int:filter_id>/delete/", views.delete_filter, name="delete_filter"),
    # After the list's own paths: a number is any one segment.
    path("<str:number>/", views.ticket, name="ticket"),
]
urlpatterns = [
    path("dispatch/intake/", include(intake)),
    path("desk/tickets/", include(tickets)),
]
