"""The managers' pages under /insights/, and a client organization's administrator's figures."""

from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.page, name="page"),
    path("organization/", views.organization, name="organization"),
    path("rows/<slug:figure>/", views.rows, name="rows"),
    path("rows/<slug:figure>/export.<slug:fmt>", views.export_rows, name="export_rows"),
    path("export/<slug:name>.<slug:fmt>", views.export_objects, name="export_objects"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/template.<slug:fmt>", views.import_template, name="import_template"),
    path("import/runs/<int:run_id>/", views.import_run, name="import_run"),
]
