from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("sites", views.SiteViewSet, basename="site")
router.register("appliance-models", views.ApplianceModelViewSet, basename="appliance-model")
router.register("appliances", views.ApplianceViewSet, basename="appliance")

urlpatterns = router.urls
