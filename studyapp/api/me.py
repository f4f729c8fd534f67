"""The signed-in user's own data: download all of it, or delete the account (password in the body)."""

from django.urls import path
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from studyapp.accounts.services import WrongPassword, user_delete
from studyapp.exports.userdata import user_data_export


class ExportUserSerializer(serializers.Serializer):
    username = serializers.CharField()
    email = serializers.CharField(allow_blank=True)
    date_joined = serializers.DateTimeField()
    last_login = serializers.DateTimeField(allow_null=True)


class ExportSettingsSerializer(serializers.Serializer):
    timezone = serializers.CharField()
    day_starts_at = serializers.IntegerField()
    desired_retention = serializers.FloatField()
    new_per_day = serializers.IntegerField()
    reviews_per_day = serializers.IntegerField()
    decks = serializers.ListField(child=serializers.CharField())
    topics = serializers.ListField(child=serializers.CharField())
    quiz_counts_as_review = serializers.BooleanField()
    fsrs_parameters = serializers.ListField(child=serializers.FloatField(),
                                            help_text="Your own FSRS parameters; empty: FSRS's defaults.")


class ExportStateSerializer(serializers.Serializer):
    card = serializers.CharField(help_text="The card's stable key.")
    card_id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["learning", "review", "relearning"])
    step = serializers.IntegerField(allow_null=True)
    stability = serializers.FloatField(allow_null=True)
    difficulty = serializers.FloatField(allow_null=True)
    due = serializers.DateTimeField()
    last_review = serializers.DateTimeField(allow_null=True)
    reps = serializers.IntegerField()
    lapses = serializers.IntegerField()
    suspended = serializers.BooleanField()
    leech = serializers.BooleanField()
    buried_until = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()


class ExportLogSerializer(serializers.Serializer):
    review_id = serializers.UUIDField()
    card = serializers.CharField(help_text="The card's stable key.")
    card_id = serializers.IntegerField()
    rating = serializers.IntegerField(min_value=1, max_value=4)
    reviewed_at = serializers.DateTimeField()
    duration_ms = serializers.IntegerField(allow_null=True)
    source = serializers.CharField()
    state_before = serializers.DictField(allow_null=True, help_text="The card's state before (null: new card).")
    state_after = serializers.DictField()


class ExportAnswerSerializer(serializers.Serializer):
    given = serializers.JSONField(help_text="A string, or a list of strings for order questions.")
    correct = serializers.BooleanField()
    feedback = serializers.CharField(allow_blank=True)
    answered_at = serializers.DateTimeField()
    review_id = serializers.UUIDField(allow_null=True)


class ExportQuestionSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    kind = serializers.CharField()
    card = serializers.CharField(allow_null=True)
    prompt = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField())
    expected = serializers.CharField(allow_blank=True)
    answer = ExportAnswerSerializer(allow_null=True)


class ExportQuizSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    deck = serializers.CharField()
    mode = serializers.CharField()
    kinds = serializers.ListField(child=serializers.CharField())
    size = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    score = serializers.IntegerField()
    answered = serializers.IntegerField()
    total = serializers.IntegerField()
    questions = ExportQuestionSerializer(many=True)


class UserDataSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=["studyapp-user-data"])
    version = serializers.IntegerField()
    user = ExportUserSerializer()
    settings = ExportSettingsSerializer()
    review_states = ExportStateSerializer(many=True)
    review_logs = ExportLogSerializer(many=True)
    quizzes = ExportQuizSerializer(many=True)


class PasswordSerializer(serializers.Serializer):
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class AccountErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(required=False)


class MyDataView(APIView):
    @extend_schema(responses={200: UserDataSerializer}, summary="Download my data",
                   description="Everything the app keeps about you: account, study settings, the state of every "
                               "card you have studied, every review, every quiz with its answers.")
    def get(self, request):
        response = Response(user_data_export(user=request.user))
        response["Cache-Control"] = "no-store"
        return response


class DeleteWithBodySchema(AutoSchema):
    """drf-spectacular leaves DELETE bodies out; this endpoint reads the password from its body, so document it."""

    def _get_request_body(self, direction="request"):
        if self.method != "DELETE":
            return super()._get_request_body(direction)
        self.method = "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"


class MeView(APIView):
    # Deleting checks a password: throttle it like the token endpoint, so a stolen token cannot guess it.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
    schema = DeleteWithBodySchema()

    @extend_schema(request=PasswordSerializer,
                   responses={204: OpenApiResponse(description="The account and all its data are deleted."),
                              400: OpenApiResponse(AccountErrorSerializer, description="Missing or wrong password; "
                                                                                "nothing was deleted.")},
                   summary="Delete my account",
                   description="Removes the account and every row that is yours; your token stops working.")
    def delete(self, request):
        data = PasswordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user_delete(user=request.user, password=data.validated_data["password"])
        except WrongPassword as error:
            raise serializers.ValidationError({"password": [str(error)]}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("me/data/", MyDataView.as_view(), name="api-me-data"),
]
