"""URLs of the day planner's pages, under /dispatch/plan/."""

from django.urls import path

from . import today_views
from . import views as plan_views

app_name = "plan"
urlpatterns = [
    path("", plan_views.request_plan, name="request"),
    path("<int:run_id>/", plan_views.detail, name="detail"),
    path("<int:run_id>/apply/", plan_views.apply, name="apply"),
    path("fit-in/<int:visit_id>/", today_views.fit_in_preview, name="fit_in"),
    path("fit-in/<int:visit_id>/apply/", today_views.fit_in_apply, name="fit_in_apply"),
    path("rest-of-today/", today_views.rest_of_day_start, name="rest_of_day"),
    path("rest-of-today/<int:run_id>/", today_views.rest_of_day_run, name="rest_of_day_run"),
    path("rest-of-today/apply/", today_views.rest_of_day_apply, name="rest_of_day_apply"),
]
