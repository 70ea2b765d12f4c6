from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("tickets", views.TicketViewSet, basename="ticket")
router.register("visits", views.VisitViewSet, basename="visit")

urlpatterns = router.urls
