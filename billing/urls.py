"""The office's billing pages, under /billing/."""

from django.urls import path

from . import einvoice_views, labour_views, price_views, quote_views, views

app_name = "billing"
urlpatterns = [
    path("invoices/", views.invoice_list, name="invoices"),
    path("invoices/export.csv", views.invoice_export, name="export"),
    path("invoices/period/", views.draft_for_period, name="draft_period"),
    path("invoices/<int:invoice_id>/", views.invoice_detail, name="invoice"),
    path("invoices/<int:invoice_id>/pdf/", views.invoice_pdf, name="pdf"),
    path("invoices/<int:invoice_id>/e-invoice/", views.invoice_einvoice, name="einvoice"),
    path("invoices/<int:invoice_id>/lines/", views.line_add, name="line_add"),
    path("invoices/<int:invoice_id>/lines/<int:line_id>/", views.line_edit, name="line_edit"),
    path(
        "invoices/<int:invoice_id>/lines/<int:line_id>/remove/",
        views.line_remove,
        name="line_remove",
    ),
    path("invoices/<int:invoice_id>/issue/", views.issue, name="issue"),
    path("invoices/<int:invoice_id>/payments/", views.record_payment, name="payment"),
    path("invoices/<int:invoice_id>/credit/", views.credit, name="credit"),
    path("invoices/<int:invoice_id>/email/", views.email, name="email"),
    path(
        "invoices/<int:invoice_id>/credit/lines/", einvoice_views.credit_lines, name="credit_lines"
    ),
    path("invoices/<int:invoice_id>/e-invoice/send/", einvoice_views.send, name="einvoice_send"),
    path(
        "invoices/<int:invoice_id>/e-invoice/receipt/",
        einvoice_views.receipt,
        name="einvoice_receipt",
    ),
    path(
        "invoices/<int:invoice_id>/e-invoice/reissue/",
        einvoice_views.reissue,
        name="einvoice_reissue",
    ),
    path("tickets/<int:ticket_id>/draft/", views.draft_for_ticket, name="draft_for_ticket"),
    path("quotes/", quote_views.quote_list, name="quotes"),
    path("quotes/<int:quote_id>/", quote_views.quote_detail, name="quote"),
    path("quotes/<int:quote_id>/send/", quote_views.quote_send, name="quote_send"),
    path("tickets/<str:number>/quote/", quote_views.quote_new, name="quote_new"),
    path("claims/", quote_views.claims, name="claims"),
    path("prices/", price_views.price_lists, name="price_lists"),
    path("prices/<int:price_list_id>/", price_views.price_list, name="price_list"),
    path("prices/<int:price_list_id>/rates/", price_views.set_rate, name="price_list_rate"),
    path("prices/<int:price_list_id>/parts/", price_views.set_part, name="price_list_part"),
    path("visits/<int:visit_id>/labour/", labour_views.labour, name="labour"),
]
