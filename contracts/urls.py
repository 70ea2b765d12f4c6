"""The contracts' desk pages, mounted under /desk/contracts/ by desk's URLs (names in the desk
namespace: desk:contracts, desk:contract, ...)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.contract_list, name="contracts"),
    path("<int:contract_id>/", views.contract_detail, name="contract"),
    path("<int:contract_id>/purchase/", views.record_purchase, name="contract_purchase"),
    path("<int:contract_id>/adjust/", views.record_adjustment, name="contract_adjust"),
]
