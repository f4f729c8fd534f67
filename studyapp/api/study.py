"""Study over the API: next card, reviews (idempotent on review_id), undo, suspend/bury, settings."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from studyapp.accounts.models import DECKS, MAX_COLLECTIONS, StudySettings, settings_for
from studyapp.accounts.services import settings_update
from studyapp.cards import selectors as cards
from studyapp.converters import MAX_ID
from studyapp.facts.models import COLLECTION_KEY
from studyapp.facts.selectors import collection_for
from studyapp.study import scheduling, services
from studyapp.study.models import ReviewState
from studyapp.study.selectors import interval_preview, owned_state, study_queue
from studyapp.topics import TOPICS


def active_card(card_id, user):
    """Cards are shared, but a retired or unknown id, or one of a collection the user may not reach, is a 404 like
    any missing object."""
    card = cards.active_card(card_id, user)  # ids reach here validated: an int from the URL or the serializer
    if card is None:
        raise NotFound("no such card")
    return card


def card_payload(user, queue, now):
    card, state = queue.card, queue.state
    outcomes = interval_preview(user, card, state, now)
    return {
        "id": card.pk, "key": card.key, "prompt": card.prompt, "kind": card.kind, "deck": card.deck,
        "answer": card.answer, "accepted": card.accepted, "citations": card.citations, "disputed": card.disputed,
        "topics": card.topics, "is_new": state is None, "state": state.state if state else None,
        "version": state.version if state else 0,
        "intervals": {str(r): scheduling.format_interval(o.interval) for r, o in outcomes.items()},
        "counts": queue.counts,
    }


class NextQuery(serializers.Serializer):
    deck = serializers.ChoiceField(choices=DECKS, required=False)
    collection = serializers.RegexField(COLLECTION_KEY, max_length=60, required=False)


class NextView(APIView):
    @extend_schema(parameters=[OpenApiParameter("deck", enum=DECKS, required=False),
                               OpenApiParameter("collection", str, required=False,
                                                description="study this collection only (default: the user's)")],
                   responses={200: OpenApiResponse(description="the next card"), 204: None, 404: None})
    def get(self, request):
        query = NextQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        now = timezone.now()
        key = query.validated_data.get("collection")
        collection = collection_for(request.user, key) if key else None
        queue = study_queue(request.user, now, deck=query.validated_data.get("deck"), collection=collection)
        if queue.card is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(card_payload(request.user, queue, now))


class ReviewIn(serializers.Serializer):
    card = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    rating = serializers.IntegerField(min_value=1, max_value=4)
    review_id = serializers.UUIDField()
    duration_ms = serializers.IntegerField(min_value=0, max_value=86_400_000, required=False, allow_null=True)
    version = serializers.IntegerField(min_value=0, required=False,
                                       help_text="The card's version when shown; a stale one gives 409.")


def _django_errors(error):
    return ValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


class ReviewView(APIView):
    @extend_schema(request=ReviewIn, responses={201: OpenApiResponse(description="the new state"),
                                                200: OpenApiResponse(description="the same review, again"),
                                                409: OpenApiResponse(description="review_id reused or stale")})
    def post(self, request):
        data = ReviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        card = active_card(values["card"], request.user)
        try:
            result = services.review_submit(
                user=request.user, card=card, rating=values["rating"], now=timezone.now(),
                review_id=values["review_id"], duration_ms=values.get("duration_ms"),
                expected_version=values.get("version"),
            )
        except DjangoValidationError as error:
            raise _django_errors(error) from None
        except (services.ReviewConflict, services.StaleReview) as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(result.as_dict(), status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class UndoView(APIView):
    @extend_schema(request=None, responses={
        200: OpenApiResponse(description="the action undone: {undone: the review's review_id (null for a suspend, "
                                         "unsuspend or bury), card, rating (null unless a review), action}"),
        404: OpenApiResponse(description="nothing to undo"),
        409: OpenApiResponse(description="the card was answered in a quiz since; that action leaves the undo stack"),
    })
    def post(self, request):
        """Undo your latest study action: a review, suspend, unsuspend or bury (quiz answers are not undone)."""
        try:
            undone = services.study_undo(user=request.user)
        except services.NothingToUndo as error:
            raise NotFound(str(error)) from None
        except services.UndoBlocked as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response({"undone": str(undone.review_id) if undone.log else None, "card": undone.card.pk,
                         "rating": undone.rating, "action": undone.kind})


class CardActionView(APIView):
    action = None

    @extend_schema(request=None, responses={200: OpenApiResponse(description="the card's flags")})
    def post(self, request, card_id):
        card = active_card(card_id, request.user)
        now = timezone.now()
        if self.action == "bury":
            state = services.card_bury(user=request.user, card=card, now=now)
        else:
            state = services.card_suspend(user=request.user, card=card, now=now, suspended=self.action == "suspend")
        return Response({"card": card.pk, "suspended": state.suspended, "leech": state.leech,
                         "buried_until": state.buried_until})


class StateView(APIView):
    @extend_schema(responses={200: OpenApiResponse(description="your review state for this card"), 404: None})
    def get(self, request, card_id):
        try:
            state = owned_state(request.user, card_id)
        except ReviewState.DoesNotExist:
            raise NotFound("you have not studied this card") from None
        return Response({"card": state.card_id, "state": state.state, "step": state.step, "due": state.due,
                         "stability": state.stability, "difficulty": state.difficulty, "reps": state.reps,
                         "lapses": state.lapses, "suspended": state.suspended, "leech": state.leech,
                         "buried_until": state.buried_until, "last_review": state.last_review,
                         "version": state.version})


class SettingsSerializer(serializers.ModelSerializer):
    # Bounded here too, so a list of 200,000 items is refused before each item is checked.
    decks = serializers.ListField(child=serializers.ChoiceField(choices=DECKS), min_length=1, max_length=len(DECKS))
    topics = serializers.ListField(child=serializers.ChoiceField(choices=TOPICS), required=False,
                                   max_length=len(TOPICS))
    collections = serializers.ListField(child=serializers.RegexField(COLLECTION_KEY, max_length=60), required=False,
                                        max_length=MAX_COLLECTIONS,
                                        help_text="keys of the collections studied; empty: every public one")

    class Meta:
        model = StudySettings
        fields = ["timezone", "day_starts_at", "desired_retention", "new_per_day", "reviews_per_day", "decks",
                  "topics", "collections", "quiz_counts_as_review"]


class SettingsView(APIView):
    @extend_schema(responses={200: SettingsSerializer})
    def get(self, request):
        return Response(SettingsSerializer(settings_for(request.user)).data)

    @extend_schema(request=SettingsSerializer, responses={200: SettingsSerializer})
    def patch(self, request):
        data = SettingsSerializer(settings_for(request.user), data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            prefs = settings_update(user=request.user, values=data.validated_data)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return Response(SettingsSerializer(prefs).data)


urlpatterns = [
    path("study/next/", NextView.as_view(), name="api-study-next"),
    path("reviews/", ReviewView.as_view(), name="api-reviews"),
    path("reviews/undo/", UndoView.as_view(), name="api-reviews-undo"),
    path("cards/<id:card_id>/suspend/", CardActionView.as_view(action="suspend"), name="api-card-suspend"),
    path("cards/<id:card_id>/unsuspend/", CardActionView.as_view(action="unsuspend"), name="api-card-unsuspend"),
    path("cards/<id:card_id>/bury/", CardActionView.as_view(action="bury"), name="api-card-bury"),
    path("study/cards/<id:card_id>/", StateView.as_view(), name="api-study-state"),
    path("settings/", SettingsView.as_view(), name="api-settings"),
]
