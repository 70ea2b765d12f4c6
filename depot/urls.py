"""The workshop's and the loaner pool's pages, under /workshop/."""

from django.urls import path

from . import views

app_name = "depot"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("orders/<int:order_id>/", views.order, name="order"),
    path("orders/<int:order_id>/step/", views.order_step, name="order_step"),
    path("orders/<int:order_id>/units/", views.order_add_unit, name="order_add_unit"),
    path("orders/<int:order_id>/parts/", views.order_use_part, name="order_use_part"),
    path("units/<int:unit_id>/rma/", views.unit_rma, name="unit_rma"),
    path("rma/<int:rma_id>/back/", views.rma_back, name="rma_back"),
    path("units/<int:unit_id>/refurbished/", views.unit_refurbished, name="unit_refurbished"),
    path("tickets/<str:number>/repair/", views.order_new, name="order_new"),
    path("loans/", views.loans, name="loans"),
    path("tickets/<str:number>/lend/", views.lend, name="lend"),
    path("loans/<int:loan_id>/collect/", views.collect, name="collect"),
]
