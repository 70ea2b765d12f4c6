"""The client report, under /portal/reports/ (fieldservice/urls.py mounts it there)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="report"),
    path("<slug:rows>.csv", views.report_csv, name="csv"),
    path("report.pdf", views.report_pdf, name="pdf"),
]
