"""The customer portal, under /portal/."""

from django.urls import path

from . import approvals, contract_views, invoices, organization, quotes, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.sign_up, name="signup"),
    path("confirm/", views.resend_confirmation, name="resend_confirmation"),
    path("confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("appliances/add/", views.add_appliance, name="add_appliance"),
    path("book/", views.book, name="book"),
    path("book/codes/", views.code_search, name="code_search"),
    path("tickets/<int:ticket_id>/", views.ticket, name="ticket"),
    path("tickets/<int:ticket_id>/tracking/", views.tracking, name="tracking"),
    path("tickets/<int:ticket_id>/workshop/", views.repair_request, name="repair_request"),
    path("help/<int:article_id>/", views.article, name="article"),
    path("b/<str:token>/", views.manage, name="manage"),
    path("r/<str:token>/", views.report, name="report"),
    path("contracts/", contract_views.contracts, name="contracts"),
    path("contracts/<int:contract_id>/", contract_views.contract, name="contract"),
    path("invoices/", invoices.invoices, name="invoices"),
    path("invoices/<int:invoice_id>/", invoices.invoice, name="invoice"),
    path("invoices/<int:invoice_id>/pdf/", invoices.invoice_pdf, name="invoice_pdf"),
    path("quotes/<int:quote_id>/", quotes.quote, name="quote"),
    path("q/<str:token>/", quotes.quote_link, name="quote_link"),
    path("approve/<str:token>/", approvals.approval_link, name="approval"),
    path("organization/", organization.organization, name="organization"),
    path("contacts/", organization.contacts, name="contacts"),
    path("contacts/<int:contact_id>/role/", organization.contact_role, name="contact_role"),
    path("contacts/<int:contact_id>/remove/", organization.remove_contact, name="remove_contact"),
]
