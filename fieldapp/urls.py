"""The technician's phone pages, under /tech/."""

from django.urls import path

from . import quotes as tech_quotes
from . import views as tech_views

app_name = "tech"
urlpatterns = [
    path("", tech_views.today, name="today"),
    path("sync/", tech_views.sync, name="sync"),
    path("sw.js", tech_views.service_worker, name="service_worker"),
    path("offline/", tech_views.offline, name="offline"),
    path("manifest.webmanifest", tech_views.manifest, name="manifest"),
    path("visits/<int:visit_id>/", tech_views.job, name="job"),
    path("visits/<int:visit_id>/step/", tech_views.step, name="step"),
    path("visits/<int:visit_id>/hand-back/", tech_views.hand_back, name="hand_back"),
    path("visits/<int:visit_id>/record/", tech_views.record, name="record"),
    path("visits/<int:visit_id>/parts/", tech_views.parts, name="parts"),
    path("visits/<int:visit_id>/report/", tech_views.report, name="report"),
    path(
        "visits/<int:visit_id>/loans/<int:loan_id>/collect/",
        tech_views.collect_loaner,
        name="collect_loaner",
    ),
    path("visits/<int:visit_id>/quote/", tech_quotes.quote, name="quote"),
    path("visits/<int:visit_id>/taken/", tech_views.confirm_taken, name="confirm_taken"),
    path("van/", tech_views.van, name="van"),
]
