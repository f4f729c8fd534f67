"""Anki over the API: the same files as /export/, and reviews brought back from Anki, for the authenticated user."""

from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from studyapp.exports.anki_import import AnkiPackageError, PackageTooLarge
from studyapp.exports.selectors import DECK_CHOICES, export_file
from studyapp.exports.services import anki_reviews_from_upload
from studyapp.exports.views import download_response
from studyapp.facts.models import COLLECTION_KEY
from studyapp.facts.selectors import collection_for


class ExportQuerySerializer(serializers.Serializer):
    deck = serializers.ChoiceField(
        choices=DECK_CHOICES, default="all", help_text="One deck, or `all` for the decks chosen in your settings."
    )
    studied = serializers.BooleanField(default=False, help_text="Only cards you have reviewed at least once.")
    collection = serializers.RegexField(COLLECTION_KEY, max_length=60, required=False, help_text=(
        "Only this collection's cards (default: the collections you study); 404 if you may not study it."))


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
        key = query.validated_data.get("collection")
        file = export_file(user=request.user, deck=query.validated_data["deck"],
                           studied_only=query.validated_data["studied"], fmt=self.fmt, now=timezone.now(),
                           collection=collection_for(request.user, key) if key else None)
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


class AnkiReviewsUploadSerializer(serializers.Serializer):
    package = serializers.FileField(
        allow_empty_file=False,
        help_text="A .colpkg, or an .apkg exported from Anki with scheduling information; at most 100 MB.")


class AnkiReviewsReportSerializer(serializers.Serializer):
    imported = serializers.IntegerField(help_text="New reviews recorded.")
    already_imported = serializers.IntegerField(help_text="Reviews brought back before: not counted twice.")
    cards = serializers.IntegerField(help_text="Our cards rescheduled from their merged history.")
    notes = serializers.IntegerField(help_text="Notes in the package.")
    our_notes = serializers.IntegerField(help_text="Notes recognised as ours (by the GUID our export gave them).")
    unknown_notes = serializers.IntegerField(help_text="Notes that are not ours: counted, not imported.")
    unknown_reviews = serializers.IntegerField(help_text="Reviews of those notes' cards.")
    unmatched_cards = serializers.IntegerField(help_text="Cards of our notes with no card here (since retired).")
    skipped_manual = serializers.IntegerField(help_text="Anki entries that record no answer (set due date, forget, "
                                              "reschedule).")
    skipped_previews = serializers.IntegerField(help_text="Answers in a filtered deck that does not reschedule "
                                                "(left out, as Anki's FSRS leaves them out).")


class AnkiReviewsImportView(APIView):
    parser_classes = [MultiPartParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "anki_import"

    @extend_schema(
        operation_id="import_anki_reviews", request={"multipart/form-data": AnkiReviewsUploadSerializer},
        summary="Bring back reviews from Anki",
        description="Upload an Anki package (field `package`). Notes are matched to our cards by the GUID our "
        "export gave them; each Anki review (revlog row) is imported once, so uploading the same file again adds "
        "nothing. Reviews are merged in time order with yours here and each card touched is rescheduled by "
        "replaying its whole history. Notes that are not ours are counted, not imported.",
        responses={
            200: AnkiReviewsReportSerializer,
            400: OpenApiResponse(description="No file, or not an Anki package, damaged, or exported without "
                                 "scheduling information; `detail` says which."),
            401: OpenApiResponse(description="Not authenticated."),
            413: OpenApiResponse(description="Over 100 MB."),
            429: OpenApiResponse(description="Too many uploads (API_THROTTLE_ANKI_IMPORT, default 30 an hour)."),
        },
    )
    def post(self, request):
        upload = AnkiReviewsUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            report = anki_reviews_from_upload(user=request.user, upload=upload.validated_data["package"])
        except AnkiPackageError as error:
            code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE if isinstance(error, PackageTooLarge) else \
                status.HTTP_400_BAD_REQUEST
            return Response({"detail": f"package: {error}", "errors": {"package": [str(error)]}, "code": error.code},
                            status=code)
        return Response(AnkiReviewsReportSerializer(report.as_dict()).data)


urlpatterns = [
    path("import/anki-reviews/", AnkiReviewsImportView.as_view(), name="api-import-anki-reviews"),
    path("export/anki/", AnkiExportView.as_view(), name="api-export-anki"),
    path("export/csv/", CsvExportView.as_view(), name="api-export-csv"),
]
