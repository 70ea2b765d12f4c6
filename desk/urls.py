"""The first line's pages: taking a call into a ticket, under /dispatch/intake/."""

from django.urls import path

from . import views

app_name = "desk"
urlpatterns = [
    path("", views.intake, name="intake"),
    path("appliances/", views.add_appliance, name="add_appliance"),
    path("sites/", views.add_site, name="add_site"),
    path("sites/<int:site_id>/place/", views.place_site, name="place_site"),
    path("customers/", views.customer_search, name="customer_search"),
    path("codes/", views.code_search, name="code_search"),
    path("preview/", views.preview, name="intake_preview"),
]
