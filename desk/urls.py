"""The first line's pages: taking a call into a ticket under /dispatch/intake/; the ticket list,
ticket pages, queues, conversations, inbound email, knowledge base and training under /desk/."""

from django.urls import include, path, re_path

from .views import conversation, intake, kb, mail, queues, ticket, ticket_list, training

app_name = "desk"

intake_urls = [
    path("", intake.intake, name="intake"),
    path("appliances/", intake.add_appliance, name="add_appliance"),
    path("sites/", intake.add_site, name="add_site"),
    path("sites/<int:site_id>/place/", intake.place_site, name="place_site"),
    path("customers/", intake.customer_search, name="customer_search"),
    path("callers/", intake.new_caller, name="new_caller"),
    path("codes/", intake.code_search, name="code_search"),
    path("preview/", intake.preview, name="intake_preview"),
]

# A ticket is named by its number (T-000123), as people read it out; the named actions come
# before the page's generic one, whose last segment is any action name.
tickets_urls = [
    path("", ticket_list.ticket_list, name="tickets"),
    path("export.csv", ticket_list.ticket_export, name="ticket_export"),
    path("export.xlsx", ticket_list.ticket_export_xlsx, name="ticket_export_xlsx"),
    path("filters/", ticket_list.save_filter, name="save_filter"),
    path("filters/<int:filter_id>/", ticket_list.apply_filter, name="apply_filter"),
    path("filters/<int:filter_id>/delete/", ticket_list.delete_filter, name="delete_filter"),
    re_path(r"^(?P<number>T-[0-9]+)/$", ticket.ticket, name="ticket"),
    path("<str:number>/reply/", conversation.ticket_reply, name="ticket_reply"),
    path("<str:number>/note/", conversation.ticket_note, name="ticket_note"),
    path("<str:number>/solve/", ticket.ticket_solve_remotely, name="ticket_solve_remotely"),
    path("<str:number>/take/", queues.take, name="ticket_take"),
    path("<str:number>/hand-over/", queues.hand_over, name="ticket_hand_over"),
    path("<str:number>/tier/", queues.change_tier, name="ticket_tier"),
    re_path(
        r"^(?P<number>T-[0-9]+)/(?P<action>[a-z_]+)/$", ticket.ticket_action, name="ticket_action"
    ),
]

mail_urls = [
    path("pending/", mail.mail_pending, name="mail_pending"),
    path(
        "pending/<int:contact_id>/confirm/", mail.mail_pending_confirm, name="mail_pending_confirm"
    ),
    path(
        "pending/<int:contact_id>/dismiss/", mail.mail_pending_dismiss, name="mail_pending_dismiss"
    ),
    path("quarantine/", mail.mail_quarantine, name="mail_quarantine"),
    path("quarantine/<int:mail_id>/raw/", mail.mail_quarantine_raw, name="mail_quarantine_raw"),
]

kb_urls = [
    path("", kb.kb_list, name="kb"),
    path("new/", kb.kb_new, name="kb_new"),
    path("<int:article_id>/", kb.kb_detail, name="kb_detail"),
    path("<int:article_id>/edit/", kb.kb_edit, name="kb_edit"),
]

training_urls = [
    path("", training.training, name="training"),
    path("<int:record_id>/", training.training_record, name="training_record"),
    path("<int:record_id>/delete/", training.delete_training_record, name="training_delete"),
]

urlpatterns = [
    path("dispatch/intake/", include(intake_urls)),
    path("desk/tickets/", include(tickets_urls)),
    path("desk/queue/<int:tier>/", queues.queue, name="queue"),
    path("desk/mail/", include(mail_urls)),
    path("desk/kb/", include(kb_urls)),
    path("desk/technicians/<int:technician_id>/training/", include(training_urls)),
    path("desk/contracts/", include("contracts.urls")),
]
