"""factory_boy factories; each validates with full_clean() before saving, as real input would."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from catalog.models import ErrorCode, Part
from contracts.models import ServiceContract
from customers.models import Appliance, ApplianceModel, Contact, Customer, Site
from technicians.models import Certification, Skill, Technician, TimeOff, WorkingHours
from tickets import services
from tickets.models import Ticket, Visit


class CleanFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = model_class(*args, **kwargs)
        obj.full_clean()
        obj.save()
        return obj


class UserFactory(CleanFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw-secret-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])


class CustomerFactory(CleanFactory):
    class Meta:
        model = Customer
        skip_postgeneration_save = True

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    phone = "+393471234567"

    @factory.post_generation
    def user(self, create, extracted, **kwargs):
        """`CustomerFactory(user=u)`: u is the customer's portal login, its administrator
        contact (as the migration made each customer's one login)."""
        if create and extracted is not None:
            Contact.objects.create(user=extracted, customer=self, role=Contact.Role.ADMINISTRATOR)


class ContactFactory(CleanFactory):
    class Meta:
        model = Contact

    user = factory.SubFactory(UserFactory, role="customer")
    customer = factory.SubFactory(CustomerFactory, kind=Customer.Kind.COMPANY)
    role = Contact.Role.REQUESTER


class SiteFactory(CleanFactory):
    class Meta:
        model = Site

    customer = factory.SubFactory(CustomerFactory)
    address = factory.Sequence(lambda n: f"Via Roma {n}")
    city = "Rome"
    latitude = 41.9
    longitude = 12.5
    placement = Site.Placement.PINNED
    timezone = "Europe/Rome"


class ApplianceModelFactory(CleanFactory):
    class Meta:
        model = ApplianceModel
        django_get_or_create = ("manufacturer", "model_number")

    manufacturer = "Whirlpool"
    model_number = factory.Sequence(lambda n: f"WM-{n}")
    category = ApplianceModel.Category.WASHING_MACHINE

    @classmethod
    def _get_or_create(cls, model_class, *args, **kwargs):
        return super(CleanFactory, cls)._get_or_create(model_class, *args, **kwargs)


class ServiceContractFactory(CleanFactory):
    class Meta:
        model = ServiceContract

    customer = factory.SubFactory(CustomerFactory)
    number = factory.Sequence(lambda n: f"SC-{n:05d}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=335))
    response_hours = 4


class ApplianceFactory(CleanFactory):
    class Meta:
        model = Appliance
        skip_postgeneration_save = True

    model = factory.SubFactory(ApplianceModelFactory)
    site = factory.SubFactory(SiteFactory)
    serial_number = factory.Sequence(lambda n: f"SN{n:08d}")
    warranty_until = None

    @factory.post_generation
    def contract(self, create, contract, **kwargs):
        """`ApplianceFactory(contract=c)`: the contract lists the new appliance."""
        if create and contract is not None:
            contract.appliances.add(self)


class SkillFactory(CleanFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"skill-{n}")
    name = factory.LazyAttribute(lambda s: s.code.replace("-", " ").title())

    @classmethod
    def _get_or_create(cls, model_class, *args, **kwargs):
        return super(CleanFactory, cls)._get_or_create(model_class, *args, **kwargs)


class PartFactory(CleanFactory):
    class Meta:
        model = Part

    sku = factory.Sequence(lambda n: f"P-{n:05d}")
    name = "Drain pump"
    unit_price = "35.00"


class ErrorCodeFactory(CleanFactory):
    class Meta:
        model = ErrorCode
        skip_postgeneration_save = True

    manufacturer = "Whirlpool"
    category = ApplianceModel.Category.WASHING_MACHINE
    code = factory.Sequence(lambda n: f"E{n:02d}")
    title = "Drain fault"
    probable_cause = "Blocked drain pump filter"

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(extracted)


class TechnicianFactory(CleanFactory):
    class Meta:
        model = Technician
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, role="technician")
    home_latitude = 41.9
    home_longitude = 12.5
    timezone = "Europe/Rome"

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(extracted)

    @factory.post_generation
    def weekdays(self, create, extracted, **kwargs):
        """Working hours Monday to Sunday 08:00-17:00 with a 12:00-13:00 break, unless given."""
        if not create:
            return
        days = range(7) if extracted is None else extracted
        for day in days:
            WorkingHours.objects.create(
                technician=self,
                weekday=day,
                starts_at=datetime.time(8),
                ends_at=datetime.time(17),
                break_starts_at=datetime.time(12),
                break_ends_at=datetime.time(13),
            )


class CertificationFactory(CleanFactory):
    class Meta:
        model = Certification
        skip_postgeneration_save = True

    technician = factory.SubFactory(TechnicianFactory)
    kind = Certification.Kind.GAS
    number = factory.Sequence(lambda n: f"GAS-{n}")
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(extracted)


class TimeOffFactory(CleanFactory):
    class Meta:
        model = TimeOff

    technician = factory.SubFactory(TechnicianFactory)
    reason = "Holiday"


def open_ticket(**kwargs) -> Ticket:
    """A ticket opened through the service, as every caller does."""
    appliance = kwargs.pop("appliance", None) or ApplianceFactory()
    params = {
        "customer": appliance.site.customer,
        "site": appliance.site,
        "appliance": appliance,
        "codes": [],
        "priority": 3,
    }
    params.update(kwargs)
    return services.open_ticket(**params)


def new_visit(ticket: Ticket | None = None, **kwargs) -> Visit:
    return services.create_visit(ticket=ticket or open_ticket(), by=None, **kwargs)
