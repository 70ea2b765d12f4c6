"""The first line's pages: taking a call into a ticket under /dispatch/intake/; the ticket list,
ticket pages, queues, conversations, inbound email, knowledge base and training under /desk/."""

from django.urls import include, path, re_path

from . import views

app_name = "desk"

intake = [
    path("", views.intake, name="intake"),
    path("appliances/", views.add_appliance, name="add_appliance"),
    path("sites/", views.add_site, name="add_site"),
    path("sites/<int:site_id>/place/", views.place_site, name="place_site"),
    path("customers/", views.customer_search, name="customer_search"),
    path("callers/", views.new_caller, name="new_caller"),
    path("codes/", views.code_search, name="code_search"),
    path("preview/", views.preview, name="intake_preview"),
]

# A ticket is named by its number (T-000123), as people read it out; the named actions come
# before the page's generic one, whose last segment is any action name.
tickets = [
    path("", views.ticket_list, name="tickets"),
    path("export.csv", views.ticket_export, name="ticket_export"),
    path("filters/", views.save_filter, name="save_filter"),
    path("filters/<int:filter_id>/", views.apply_filter, name="apply_filter"),
    path("filters/<int:filter_id>/delete/", views.delete_filter, name="delete_filter"),
    re_path(r"^(?P<number>T-[0-9]+)/$", views.ticket, name="ticket"),
    path("<str:number>/reply/", views.ticket_reply, name="ticket_reply"),
    path("<str:number>/note/", views.ticket_note, name="ticket_note"),
    path("<str:number>/solve/", views.ticket_solve_remotely, name="ticket_solve_remotely"),
    path("<str:number>/take/", views.take, name="ticket_take"),
    path("<str:number>/hand-over/", views.hand_over, name="ticket_hand_over"),
    path("<str:number>/tier/", views.change_tier, name="ticket_tier"),
    re_path(
        r"^(?P<number>T-[0-9]+)/(?P<action>[a-z_]+)/$", views.ticket_action, name="ticket_action"
    ),
]

mail = [
    path("pending/", views.mail_pending, name="mail_pending"),
    path(
        "pending/<int:contact_id>/confirm/", views.mail_pending_confirm, name="mail_pending_confirm"
    ),
    path(
        "pending/<int:contact_id>/dismiss/", views.mail_pending_dismiss, name="mail_pending_dismiss"
    ),
    path("quarantine/", views.mail_quarantine, name="mail_quarantine"),
    path("quarantine/<int:mail_id>/raw/", views.mail_quarantine_raw, name="mail_quarantine_raw"),
]

kb = [
    path("", views.kb_list, name="kb"),
    path("new/", views.kb_new, name="kb_new"),
    path("<int:article_id>/", views.kb_detail, name="kb_detail"),
    path("<int:article_id>/edit/", views.kb_edit, name="kb_edit"),
]

training = [
    path("", views.training, name="training"),
    path("<int:record_id>/", views.training_record, name="training_record"),
    path("<int:record_id>/delete/", views.delete_training_record, name="training_delete"),
]

urlpatterns = [
    path("dispatch/intake/", include(intake)),
    path("desk/tickets/", include(tickets)),
    path("desk/queue/<int:tier>/", views.queue, name="queue"),
    path("desk/mail/", include(mail)),
    path("desk/kb/", include(kb)),
    path("desk/technicians/<int:technician_id>/training/", include(training)),
]
