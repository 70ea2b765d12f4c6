from django.contrib import admin

from .models import Article, ErrorCode, Part


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "unit_price"]
    search_fields = ["sku", "name"]


@admin.register(ErrorCode)
class ErrorCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "manufacturer", "category", "appliance_model"]
    list_filter = ["category", "manufacturer", "skills"]
    search_fields = ["code", "normalized_code", "title", "probable_cause"]
    list_select_related = ["appliance_model"]
    filter_horizontal = ["skills", "parts"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Read here; written in the desk's pages (catalog.services.save_article keeps history)."""

    list_display = ["title", "visibility", "updated_at", "updated_by"]
    list_filter = ["visibility"]
    search_fields = ["title", "symptoms", "steps", "code_words"]
    list_select_related = ["updated_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
