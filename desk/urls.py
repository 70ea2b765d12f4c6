"""The first line's pages: taking a call into a ticket under /dispatch/intake/; a ticket's
conversation and inbound email under /desk/."""

from django.urls import path

from . import views

app_name = "desk"
urlpatterns = [
    path("dispatch/intake/", views.intake, name="intake"),
    path("dispatch/intake/appliances/", views.add_appliance, name="add_appliance"),
    path("dispatch/intake/sites/", views.add_site, name="add_site"),
    path("dispatch/intake/customers/", views.customer_search, name="customer_search"),
    path("dispatch/intake/codes/", views.code_search, name="code_search"),
    path("dispatch/intake/preview/", views.preview, name="intake_preview"),
    path("desk/tickets/<str:number>/reply/", views.ticket_reply, name="ticket_reply"),
    path("desk/tickets/<str:number>/note/", views.ticket_note, name="ticket_note"),
    path("desk/mail/pending/", views.mail_pending, name="mail_pending"),
    path(
        "desk/mail/pending/<int:contact_id>/confirm/",
        views.mail_pending_confirm,
        name="mail_pending_confirm",
    ),
    path(
        "desk/mail/pending/<int:contact_id>/dismiss/",
        views.mail_pending_dismiss,
        name="mail_pending_dismiss",
    ),
    path("desk/mail/quarantine/", views.mail_quarantine, name="mail_quarantine"),
    path(
        "desk/mail/quarantine/<int:mail_id>/raw/",
        views.mail_quarantine_raw,
        name="mail_quarantine_raw",
    ),
]
