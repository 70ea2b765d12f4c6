"""URLs of the day planner's pages, under /dispatch/plan/."""

from django.urls import path

from . import views as plan_views

app_name = "plan"
urlpatterns = [
    path("", plan_views.request_plan, name="request"),
    path("<int:run_id>/", plan_views.detail, name="detail"),
    path("<int:run_id>/apply/", plan_views.apply, name="apply"),
]
