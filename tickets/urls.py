"""Uploaded files of visits and of tickets' conversations, served after the access check
(under MEDIA_URL)."""

from django.urls import path

from . import views

app_name = "media"
urlpatterns = [
    path("photos/<int:photo_id>/", views.photo, name="photo"),
    path("signatures/<int:visit_id>/", views.signature, name="signature"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
