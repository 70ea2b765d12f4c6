"""The office's billing pages, under /billing/."""

from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("quotes/", views.quote_list, name="quotes"),
    path("quotes/<int:quote_id>/", views.quote_detail, name="quote"),
    path("quotes/<int:quote_id>/send/", views.quote_send, name="quote_send"),
    path("tickets/<str:number>/quote/", views.quote_new, name="quote_new"),
    path("claims/", views.claims, name="claims"),
]
