from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from studyapp.accounts.models import settings_for
from studyapp.exports.forms import DECK_LABELS, ExportForm
from studyapp.exports.selectors import export_cards, export_file


def download_response(file) -> HttpResponse:
    """An attachment response for an ExportFile; the API sends the same one."""
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response["X-Export-Notes"] = str(file.export.note_count)
    response["X-Export-Cards"] = str(file.export.card_count)
    response["Cache-Control"] = "no-store"
    return response


def _page(request, form, status=200):
    choices = [(value, label, export_cards(user=request.user, deck=value).count()) for value, label in DECK_LABELS]
    return render(request, "exports/export.html", {
        "form": form, "choices": choices, "my_decks": settings_for(request.user).decks,
    }, status=status)


@require_safe
@login_required
def export_page(request):
    """Deck choice and download buttons, with how many cards each choice holds."""
    return _page(request, ExportForm())


def _download(request, fmt):
    form = ExportForm(request.GET)
    if not form.is_valid():
        return _page(request, form, status=400)
    file = export_file(user=request.user, deck=form.cleaned_data["deck"], studied_only=form.cleaned_data["studied"],
                       fmt=fmt, now=timezone.now())
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
