"""The office's stock pages, under /stock/."""

from django.urls import path

from . import views

app_name = "inventory"
urlpatterns = [
    path("", views.stock, name="stock"),
    path("moves/", views.ledger, name="moves"),
    path("moves/new/", views.record_move, name="move"),
    path("orders/", views.orders, name="orders"),
    path("orders/new/", views.new_order, name="order_new"),
    path("orders/<int:order_id>/", views.order, name="order"),
    path("orders/<int:order_id>/receive/", views.receive, name="receive"),
    path("restock/", views.restock, name="restock"),
]
