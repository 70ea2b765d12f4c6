from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("availability", views.AvailabilityViewSet, basename="availability")
router.register("bookings", views.BookingViewSet, basename="booking")

urlpatterns = router.urls
