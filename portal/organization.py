"""The organization in use and its contacts: a person who is a contact of several client
companies switches between them (everything the portal shows is of the one in use); an
organization's administrators add, re-role and remove its contacts."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers import access
from customers import services as customer_services
from customers.models import Contact
from customers.selectors import contacts_of
from fieldservice.errors import DomainError
from fieldservice.roles import acting_contact, administrator_required, customer_required

from .forms import ContactForm, ContactRoleForm


@customer_required
def organization(request):
    """The organizations the person is a contact of, the one in use marked; a POST of another's
    id switches to it (one they are no contact of is a 404)."""
    if request.method == "POST":
        try:
            customer_id = int(request.POST.get("organization", ""))
        except ValueError:
            customer_id = 0
        contact = access.switch(request, customer_id=customer_id)
        messages.success(
            request, _("You are now working for %(name)s.") % {"name": contact.customer.name}
        )
        return redirect("portal:home")
    return render(
        request,
        "portal/organization.html",
        {
            "contacts": access.organizations_of(request.user),
            "current": acting_contact(request.user),
        },
    )


def _contacts_page(request, form, status=200):
    contact = acting_contact(request.user)
    return render(
        request,
        "portal/contacts.html",
        {
            "organization": contact.customer,
            "contacts": contacts_of(contact.customer),
            "form": form,
            "roles": Contact.Role.choices,
        },
        status=status,
    )


@administrator_required
def contacts(request):
    """The organization's contacts and a form to add one by email address with a role."""
    organization = acting_contact(request.user).customer
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = customer_services.add_contact(
                customer=organization, by=request.user, **form.cleaned_data
            )
        except DomainError as err:
            form.add_error(err.field if err.field in form.fields else None, err.message)
        else:
            messages.success(
                request,
                _("%(email)s is now a contact of %(name)s.")
                % {"email": added.user.email, "name": organization.name},
            )
            return redirect("portal:contacts")
    return _contacts_page(request, form, status=400 if form.errors else 200)


def _their_contact(request, contact_id: int) -> Contact:
    """A contact of the organization in use; another organization's is a 404."""
    return get_object_or_404(contacts_of(acting_contact(request.user).customer), pk=contact_id)


@require_POST
@administrator_required
def contact_role(request, contact_id: int):
    contact = _their_contact(request, contact_id)
    form = ContactRoleForm(request.POST)
    try:
        if not form.is_valid():
            messages.error(request, _("Choose a role: requester, approver or administrator."))
            return _contacts_page(request, ContactForm(), status=400)
        customer_services.change_contact_role(
            contact=contact, role=form.cleaned_data["role"], by=request.user
        )
    except DomainError as err:
        messages.error(request, err.message)
        return _contacts_page(request, ContactForm(), status=err.status)
    messages.success(
        request,
        _("%(email)s now has the role %(role)s.")
        % {"email": contact.user.email, "role": Contact.Role(form.cleaned_data["role"]).label},
    )
    return redirect("portal:contacts")


@require_POST
@administrator_required
def remove_contact(request, contact_id: int):
    contact = _their_contact(request, contact_id)
    try:
        customer_services.remove_contact(contact=contact, by=request.user)
    except DomainError as err:
        messages.error(request, err.message)
        return _contacts_page(request, ContactForm(), status=err.status)
    messages.success(
        request,
        _("%(email)s is no longer a contact of %(name)s.")
        % {"email": contact.user.email, "name": contact.customer.name},
    )
    if contact.user_id == request.user.pk:
        return redirect("portal:home")
    return redirect("portal:contacts")
