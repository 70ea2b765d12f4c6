from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("tickets", views.TicketSuggestionsViewSet, basename="ticket-suggestions")
router.register("visits", views.VisitAssignViewSet, basename="visit-assign")

urlpatterns = router.urls
