import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from studyapp.accounts.models import settings_for
from studyapp.exports.anki_import import AnkiPackageError, PackageTooLarge
from studyapp.exports.forms import DECK_LABELS, AnkiReviewsForm, ExportForm
from studyapp.exports.selectors import export_cards, export_file
from studyapp.exports.services import AnkiImportReport, anki_reviews_from_upload
from studyapp.exports.userdata import user_data_export
from studyapp.facts.models import Collection
from studyapp.facts.selectors import collection_for


def download_response(file) -> HttpResponse:
    """An attachment response for an ExportFile; the API sends the same one."""
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response["X-Export-Notes"] = str(file.export.note_count)
    response["X-Export-Cards"] = str(file.export.card_count)
    response["Cache-Control"] = "no-store"
    return response


def _collection(request, form):
    """The one collection asked for (404 unless the user may study it, as the API), or None for all they study."""
    key = form.cleaned_data.get("collection") if form.is_bound and form.is_valid() else ""
    return collection_for(request.user, key) if key else None


def _page(request, form, status=200, collection=None):
    prefs = settings_for(request.user)
    choices = [(value, label, export_cards(user=request.user, deck=value, collection=collection).count())
               for value, label in DECK_LABELS]
    studied = list(Collection.objects.studied_by(request.user, prefs.collections))
    if collection is not None and collection not in studied:  # an unlisted collection studied by its link
        studied.append(collection)
    return render(request, "exports/export.html", {
        "form": form, "choices": choices, "my_decks": prefs.decks, "collections": studied,
        "collection": collection,
    }, status=status)


@require_safe
@login_required
def export_page(request):
    """Collection and deck choice and download buttons, with how many cards each deck holds (of the collection
    chosen with ?collection=KEY, else of every collection the user studies)."""
    if not request.GET:
        return _page(request, ExportForm())
    form = ExportForm(request.GET)
    if not form.is_valid():
        return _page(request, form, status=400)
    return _page(request, form, collection=_collection(request, form))


def _download(request, fmt):
    form = ExportForm(request.GET)
    if not form.is_valid():
        return _page(request, form, status=400)
    file = export_file(user=request.user, deck=form.cleaned_data["deck"], studied_only=form.cleaned_data["studied"],
                       fmt=fmt, now=timezone.now(), collection=_collection(request, form))
    return download_response(file)


@require_safe
@login_required
def export_anki(request):
    """The user's cards as an .apkg."""
    return _download(request, "apkg")


@require_safe
@login_required
def export_csv(request):
    """The same notes as Anki-format CSV."""
    return _download(request, "csv")


def import_summary(report: AnkiImportReport) -> str:
    """What an import did, in a sentence or two (the page's message)."""
    text = (f"Imported {report.imported} review{'s' * (report.imported != 1)} from Anki"
            f"{f' ({report.already_imported} were already here)' if report.already_imported else ''}; "
            f"{report.cards} card{'s' * (report.cards != 1)} rescheduled.")
    if report.unknown_notes:
        text += (f" {report.unknown_notes} of the package's {report.notes} notes are not ours and were left out"
                 f"{f' with their {report.unknown_reviews} reviews' if report.unknown_reviews else ''}.")
    if report.skipped_manual:
        text += (f" {report.skipped_manual} entr{'ies' if report.skipped_manual != 1 else 'y'} that record no "
                 "answer (set due date, forget, reschedule) were skipped.")
    if report.skipped_previews:
        text += (f" {report.skipped_previews} answer{'s' * (report.skipped_previews != 1)} in filtered decks that do "
                 "not reschedule were skipped.")
    return text


@login_required
@require_http_methods(["GET", "POST"])
def anki_reviews_page(request):
    """Settings › Bring back reviews from Anki: upload a package, import its reviews of our cards once each."""
    form = AnkiReviewsForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                report = anki_reviews_from_upload(user=request.user, upload=form.cleaned_data["package"])
            except AnkiPackageError as error:
                form.add_error("package", str(error))
                status = 413 if isinstance(error, PackageTooLarge) else 400
            else:
                messages.success(request, import_summary(report))
                return redirect("anki-reviews")
        else:
            status = 400
    return render(request, "exports/anki_reviews.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET"])
def data_download(request):
    """"Download my data": every row that is the user's, as one JSON file."""
    data = user_data_export(user=request.user)
    response = HttpResponse(json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False) + "\n",
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="studyapp-data-{request.user.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response
