from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("contracts", views.ContractViewSet, basename="contract")

urlpatterns = router.urls
