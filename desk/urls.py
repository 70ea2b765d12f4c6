"""The first line's pages: taking a call into a ticket (under /dispatch/intake/), the support
tiers' queues and who holds a ticket, and technicians' training records (under /desk/)."""

from django.urls import path

from . import views

app_name = "desk"
urlpatterns = [
    path("dispatch/intake/", views.intake, name="intake"),
    path("dispatch/intake/appliances/", views.add_appliance, name="add_appliance"),
    path("dispatch/intake/sites/", views.add_site, name="add_site"),
    path("dispatch/intake/customers/", views.customer_search, name="customer_search"),
    path("dispatch/intake/codes/", views.code_search, name="code_search"),
    path("dispatch/intake/preview/", views.preview, name="intake_preview"),
    path("desk/queue/<int:tier>/", views.queue, name="queue"),
    path("desk/tickets/<str:number>/take/", views.take, name="ticket_take"),
    path("desk/tickets/<str:number>/hand-over/", views.hand_over, name="ticket_hand_over"),
    path("desk/tickets/<str:number>/tier/", views.change_tier, name="ticket_tier"),
    path("desk/technicians/<int:technician_id>/training/", views.training, name="training"),
    path(
        "desk/technicians/<int:technician_id>/training/<int:record_id>/",
        views.training_record,
        name="training_record",
    ),
    path(
        "desk/technicians/<int:technician_id>/training/<int:record_id>/delete/",
        views.delete_training_record,
        name="training_delete",
    ),
]
