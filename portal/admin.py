from django.contrib import admin

from .models import SignUp


@admin.register(SignUp)
class SignUpAdmin(admin.ModelAdmin):
    list_display = ["customer", "created_at", "link_sent_at", "confirmed_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["customer"]
    search_fields = ["customer__name", "customer__email"]
    readonly_fields = ["customer", "created_at", "link_sent_at"]
