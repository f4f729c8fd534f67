from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from studyapp.facts.models import Citation, Collection, Event, Idea, Person, Source, Work


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "visibility", "owner"]
    list_filter = ["visibility"]
    search_fields = ["key", "title"]
    filter_horizontal = ["editors"]


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    fields = ["source", "quote", "claim", "position"]


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):  # "History": who changed it when
    list_display = ["key", "title", "author", "kind", "year", "collection"]
    list_filter = ["collection", "kind"]
    search_fields = ["key", "title", "author", "publication"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):  # "History": who changed it when
    list_display = ["name", "key", "disputed", "collection"]
    list_filter = ["collection", "disputed", "citations__source"]
    search_fields = ["name", "key", "aliases", "description"]
    inlines = [CitationInline]


@admin.register(Work)
class WorkAdmin(SimpleHistoryAdmin):  # "History": who changed it when
    list_display = ["title", "author", "year", "kind", "disputed", "collection"]
    list_filter = ["collection", "kind", "disputed", "citations__source"]
    search_fields = ["title", "key", "aliases"]
    inlines = [CitationInline]


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):  # "History": who changed it when
    list_display = ["when", "description", "precision", "disputed", "collection"]
    list_filter = ["collection", "precision", "disputed", "citations__source"]
    search_fields = ["description", "when", "key"]
    filter_horizontal = ["people", "works"]
    inlines = [CitationInline]


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["source", "fact", "quote"]
    list_filter = ["source"]
    search_fields = ["quote"]


@admin.register(Idea)
class IdeaAdmin(SimpleHistoryAdmin):  # "History": who changed it when
    list_display = ["key", "holder", "answer", "weight", "collection"]
    list_filter = ["collection", "weight", "citations__source"]
    search_fields = ["key", "question", "answer", "aliases"]
    inlines = [CitationInline]
