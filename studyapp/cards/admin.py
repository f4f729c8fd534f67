from django.contrib import admin

from studyapp.cards.models import Card


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "deck", "disputed", "retired", "updated_at"]
    list_filter = ["deck", "kind", "disputed", "retired"]
    search_fields = ["key", "prompt", "answer"]
    readonly_fields = ["created_at", "updated_at"]
