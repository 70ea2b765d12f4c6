"""A ticket's conversation: public replies and internal notes, by web or email, with files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .tickets import Ticket


class Message(models.Model):
    """One message of a ticket's thread: a public reply (emailed to the customer), an internal
    note (never shown to customers), or an email the customer sent in.

    `message_id` is the email Message-ID, ours for what we send and the sender's for what comes
    in; unique, so a message fetched twice is stored once and a reply finds its ticket."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public reply")
        INTERNAL = "internal", _("Internal note")

    class Channel(models.TextChoices):
        WEB = "web", _("Web")
        EMAIL = "email", _("Email")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="messages"
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    # Exactly one author: a staff user, the ticket's customer, or an address that wrote in.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_customer = models.BooleanField(_("from the customer"), default=False)
    sender_address = models.EmailField(_("sender address"), blank=True)
    body = models.TextField(_("text"))
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    in_reply_to = models.CharField(_("in reply to"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"])]

    def __str__(self) -> str:
        return f"{self.ticket.number}: {self.message_id}"

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    @property
    def author_label(self) -> str:
        if self.author is not None:
            return self.author.get_full_name() or self.author.get_username()
        if self.from_customer:
            return self.ticket.customer.name
        return self.sender_address


class MessageAttachment(models.Model):
    """A file sent with a message: served only through a view that checks who asks."""

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="conversation/%Y/%m/")
    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=120)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name
