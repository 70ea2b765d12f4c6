"""Notification pages, under /notifications/."""

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("feed/", views.manage_feed, name="manage_feed"),
    path("preferences/", views.preferences, name="preferences"),
]
