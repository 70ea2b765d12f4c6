"""The customer portal, under /portal/."""

from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.sign_up, name="signup"),
    path("appliances/add/", views.add_appliance, name="add_appliance"),
    path("book/", views.book, name="book"),
    path("book/codes/", views.code_search, name="code_search"),
    path("tickets/<int:ticket_id>/", views.ticket, name="ticket"),
    path("b/<str:token>/", views.manage, name="manage"),
    path("r/<str:token>/", views.report, name="report"),
]
