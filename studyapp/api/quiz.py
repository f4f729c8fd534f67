"""Quiz endpoints: create a quiz, answer its questions one at a time, read the score."""

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from studyapp.cards.selectors import scope_card_keys
from studyapp.converters import MAX_ID
from studyapp.facts.models import COLLECTION_KEY, SERGE
from studyapp.facts.selectors import UnknownScope, collection_for, parse_scope
from studyapp.quiz.building import QUESTION_KINDS
from studyapp.quiz.models import QuizDeck, QuizMode
from studyapp.quiz.selectors import get_quiz_for_user, quiz_history
from studyapp.quiz.services import (
    DEFAULT_SIZE,
    MAX_SIZE,
    MIN_SIZE,
    AlreadyAnswered,
    QuizInputError,
    answer_submit,
    quiz_create,
)
from studyapp.refs import parse


class QuizCreateSerializer(serializers.Serializer):
    deck = serializers.ChoiceField(choices=QuizDeck.values)
    size = serializers.IntegerField(min_value=MIN_SIZE, max_value=MAX_SIZE, default=DEFAULT_SIZE)
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=QUESTION_KINDS), required=False,
                                  allow_empty=False, help_text="Default: every kind.")
    mode = serializers.ChoiceField(choices=QuizMode.values, default=QuizMode.ALL,
                                   help_text="all, studied (only cards I have studied) or weakest (lowest recall).")
    scope = serializers.CharField(required=False, max_length=200, help_text=(
        "Only the cards of one fact, source or period: person:<key>, work:<key>, event:<key>, source:<key> "
        "or period:<slug> (before-1917, 1917-1921, 1922-1935, 1936-1947, after-1947; another collection's periods "
        "are decades: 1910s, ...), of the collection given (default: the Serge base)."))
    collection = serializers.RegexField(COLLECTION_KEY, max_length=60, required=False, help_text=(
        "Only the cards of this collection (default: the collections I study); 404 if I may not study it."))



class AnswerInputSerializer(serializers.Serializer):
    question = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="A question id of this quiz.")
    answer = serializers.JSONField(help_text="The option or typed text; for order questions the options, earliest "
                                             "first.")

    def validate_answer(self, value):
        if "\x00" in str(value):
            raise serializers.ValidationError("the answer contains a NUL character")
        if isinstance(value, str) and len(value) <= 1000:
            return value
        if isinstance(value, list) and len(value) <= 20 and all(isinstance(v, str) for v in value):
            return value
        raise serializers.ValidationError("give a string, or a list of strings for an order question")


class CitationSerializer(serializers.Serializer):
    source = serializers.CharField()
    title = serializers.CharField()
    quote = serializers.CharField()


class VersionSerializer(serializers.Serializer):
    value = serializers.CharField()
    citations = CitationSerializer(many=True)


class ResultSerializer(serializers.Serializer):
    """What an answer earns: only ever shown once the question is answered."""

    question = serializers.IntegerField(source="question_id")
    given = serializers.JSONField()
    correct = serializers.BooleanField()
    feedback = serializers.CharField()
    expected = serializers.CharField(source="question.expected")
    citation = CitationSerializer(source="question.citation", allow_null=True)
    citations = CitationSerializer(source="question.citations", many=True)
    versions = VersionSerializer(source="question.versions", many=True)


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    kind = serializers.CharField()
    prompt = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField())


class QuestionWithResultSerializer(QuestionSerializer):
    result = serializers.SerializerMethodField()

    @extend_schema(responses=ResultSerializer(allow_null=True))
    def get_result(self, question) -> dict | None:
        answer = getattr(question, "answer", None)
        return ResultSerializer(answer).data if answer else None


class QuizCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    deck = serializers.CharField()
    mode = serializers.CharField()
    created_at = serializers.DateTimeField()
    questions = QuestionSerializer(source="new_questions", many=True)


class QuizSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    deck = serializers.CharField()
    mode = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    score = serializers.IntegerField()
    total = serializers.IntegerField()
    answered = serializers.IntegerField()
    questions = QuestionWithResultSerializer(many=True)


class QuizSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    deck = serializers.CharField()
    created_at = serializers.DateTimeField()
    score = serializers.IntegerField()
    total = serializers.IntegerField()
    answered = serializers.IntegerField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


def _bad(error: QuizInputError):
    return ValidationError({error.field: [error.message]})


class QuizListCreateView(APIView):
    throttle_scope = "quiz_create"

    def get_throttles(self):
        # Building a quiz is the expensive call; listing past quizzes is not throttled.
        return [ScopedRateThrottle()] if self.request.method == "POST" else []

    @extend_schema(responses=QuizSummarySerializer(many=True), summary="Your past quizzes with scores")
    def get(self, request):
        return Response(QuizSummarySerializer(quiz_history(request.user)[:100], many=True).data)

    @extend_schema(request=QuizCreateSerializer, responses={201: QuizCreatedSerializer},
                   summary="Build a quiz", description="Questions come without answers: those appear once answered.")
    def post(self, request):
        data = QuizCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "collection" in values:
            values["collection"] = collection_for(request.user, values["collection"])
        if "scope" in values:
            # A scope names a fact of the collection asked for (the Serge base without one), checked after the
            # collection's 404 rule so a private collection's facts cannot be probed.
            key = values["collection"].key if "collection" in values else SERGE
            try:
                values["scope"] = scope_card_keys(parse_scope(*parse(values["scope"]), collection=key), key)
            except UnknownScope as error:
                raise ValidationError({"scope": [str(error)]}) from None
        try:
            quiz = quiz_create(user=request.user, now=timezone.now(), **values)
        except QuizInputError as error:
            raise _bad(error) from None
        return Response(QuizCreatedSerializer(quiz).data, status=status.HTTP_201_CREATED)


class QuizDetailView(APIView):
    @extend_schema(responses={200: QuizSerializer, 404: ErrorSerializer}, summary="A quiz with its score")
    def get(self, request, pk):
        return Response(QuizSerializer(get_quiz_for_user(request.user, pk)).data)


class QuizAnswerView(APIView):
    @extend_schema(request=AnswerInputSerializer,
                   responses={201: ResultSerializer, 404: ErrorSerializer,
                              409: OpenApiResponse(ErrorSerializer, description="The question was already answered.")},
                   summary="Answer one question (once)")
    def post(self, request, pk):
        quiz = get_quiz_for_user(request.user, pk)
        data = AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            answer = answer_submit(user=request.user, quiz=quiz, question_id=data.validated_data["question"],
                                   answer=data.validated_data["answer"], now=timezone.now())
        except QuizInputError as error:
            raise _bad(error) from None
        except AlreadyAnswered as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(ResultSerializer(answer).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("quizzes/", QuizListCreateView.as_view(), name="api-quizzes"),
    path("quizzes/<id:pk>/", QuizDetailView.as_view(), name="api-quiz"),
    path("quizzes/<id:pk>/answers/", QuizAnswerView.as_view(), name="api-quiz-answers"),
]
