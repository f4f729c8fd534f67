"""Anki export over the API: the same files as /export/, for the authenticated user."""

from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.views import APIView

from studyapp.exports.selectors import DECK_CHOICES, export_file
from studyapp.exports.views import download_response


class ExportQuerySerializer(serializers.Serializer):
    deck = serializers.ChoiceField(
        choices=DECK_CHOICES, default="all", help_text="One deck, or `all` for the decks chosen in your settings."
    )
    studied = serializers.BooleanField(default=False, help_text="Only cards you have reviewed at least once.")


class FileRenderer(BaseRenderer):
    """Lets a client ask for the file type in Accept; errors still go out as JSON."""

    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data) if not isinstance(data, bytes) else data


class ApkgRenderer(FileRenderer):
    media_type, format = "application/apkg", "apkg"


class CsvRenderer(FileRenderer):
    media_type, format = "text/csv", "csv"


ERRORS = {
    400: OpenApiResponse(description="Bad `deck` or `studied`; the message names the field."),
    401: OpenApiResponse(description="Not authenticated."),
}


class ExportView(APIView):
    fmt = "apkg"

    def get(self, request):
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        file = export_file(user=request.user, deck=query.validated_data["deck"],
                           studied_only=query.validated_data["studied"], fmt=self.fmt, now=timezone.now())
        return download_response(file)


class AnkiExportView(ExportView):
    renderer_classes = [JSONRenderer, ApkgRenderer]
    fmt = "apkg"

    @extend_schema(
        operation_id="export_anki", parameters=[ExportQuerySerializer],
        summary="Your cards as an Anki package (.apkg)",
        description="Fixed note types, decks and GUIDs and a newer timestamp each time, so importing a later "
        "export into Anki updates the notes it already has instead of duplicating them. Retired cards are left out.",
        responses={(200, "application/apkg"): OpenApiTypes.BINARY, **ERRORS},
    )
    def get(self, request):
        return super().get(request)


class CsvExportView(ExportView):
    renderer_classes = [JSONRenderer, CsvRenderer]
    fmt = "csv"

    @extend_schema(
        operation_id="export_csv", parameters=[ExportQuerySerializer],
        summary="The same notes in Anki's plain-text (CSV) import format",
        description="Tab-separated, HTML fields, with GUID, note type, deck and tags columns.",
        responses={(200, "text/csv"): OpenApiTypes.STR, **ERRORS},
    )
    def get(self, request):
        return super().get(request)


urlpatterns = [
    path("export/anki/", AnkiExportView.as_view(), name="api-export-anki"),
    path("export/csv/", CsvExportView.as_view(), name="api-export-csv"),
]
