"""The managers' pages under /insights/."""

from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.page, name="page"),
    path("rows/<slug:figure>/", views.rows, name="rows"),
]
