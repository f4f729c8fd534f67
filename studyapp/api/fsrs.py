"""The user's own FSRS parameters over the API: run the optimizer, read its result, reschedule to it."""

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from studyapp.accounts.models import StudySettings, settings_for
from studyapp.study import optimizer, services
from studyapp.study.selectors import fsrs_optimizations


class SimulatedSerializer(serializers.Serializer):
    retention = serializers.FloatField()
    reviews_per_day = serializers.FloatField(help_text="Mean reviews a day over the next year (new cards included).")
    remembered = serializers.IntegerField(help_text="Cards remembered at the end of the year.")


class OptimizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["queued", "running", "done", "failed"])
    requested_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    reviews = serializers.IntegerField(help_text="Reviews in your log when it ran.")
    needed = serializers.IntegerField(help_text="More reviews needed before FSRS can be fitted (0: enough).")
    adopted = serializers.BooleanField(help_text="The fitted parameters predicted held-out reviews better and "
                                                 "are now yours.")
    parameters = serializers.ListField(child=serializers.FloatField(),
                                       help_text="The parameters fitted (adopted or not); empty if none.")
    parameters_in_use = serializers.ListField(child=serializers.FloatField(),
                                              help_text="Your parameters now; empty: FSRS's defaults.")
    log_loss_before = serializers.FloatField(allow_null=True, help_text="Parameters in use, held-out reviews.")
    log_loss_after = serializers.FloatField(allow_null=True, help_text="Fitted parameters, same reviews.")
    rmse_before = serializers.FloatField(allow_null=True)
    rmse_after = serializers.FloatField(allow_null=True)
    optimal_retention = serializers.FloatField(allow_null=True, help_text="Suggested desired retention.")
    simulation = SimulatedSerializer(many=True)
    error = serializers.CharField(allow_blank=True)


def optimization_payload(run, user) -> dict:
    return {**{name: getattr(run, name) for name in (
        "id", "status", "requested_at", "finished_at", "reviews", "needed", "adopted", "parameters", "log_loss_before",
        "log_loss_after", "rmse_before", "rmse_after", "optimal_retention", "simulation", "error")},
        # read afresh: a background run may have changed them since the user was loaded
        "parameters_in_use": StudySettings.objects.filter(user=user).values_list("fsrs_parameters", flat=True)
        .first() or []}


class OptimizeView(APIView):
    @extend_schema(responses={200: OptimizationSerializer,
                              404: OpenApiResponse(description="You have never run the optimizer.")},
                   summary="The optimizer's latest run",
                   description="Queued, running or finished; poll it after POST until status is done or failed.")
    def get(self, request):
        latest, _finished = fsrs_optimizations(request.user)
        if latest is None:
            raise NotFound("you have not optimized your scheduling yet")
        return Response(OptimizationSerializer(optimization_payload(latest, request.user)).data)

    @extend_schema(request=None,
                   responses={202: OptimizationSerializer,
                              400: OpenApiResponse(description="The request had a body (it takes none)."),
                              409: OpenApiResponse(OptimizationSerializer, description="A run is already under way.")},
                   summary="Optimize my scheduling",
                   description=f"Fits FSRS to your review history in the background, scores the fit against the "
                               f"parameters in use on held-out reviews, and adopts it only if it predicts them "
                               f"better; then suggests a desired retention and simulates the next year at each. "
                               f"Below {optimizer.MIN_REVIEWS} reviews nothing is fitted (`needed` says how many "
                               f"more) and the suggestion and simulation use the parameters in use.")
    def post(self, request):
        if request.data:
            raise ValidationError({"non_field_errors": ["this request takes no body"]})
        try:
            run = services.fsrs_optimize_request(user=request.user, now=timezone.now())
        except services.OptimizationPending as pending:
            return Response(OptimizationSerializer(optimization_payload(pending.args[0], request.user)).data,
                            status=status.HTTP_409_CONFLICT)
        return Response(OptimizationSerializer(optimization_payload(run, request.user)).data,
                        status=status.HTTP_202_ACCEPTED)


class RescheduledSerializer(serializers.Serializer):
    rescheduled = serializers.IntegerField(help_text="Cards whose due date and memory state changed.")


class RescheduleView(APIView):
    @extend_schema(request=None,
                   responses={200: RescheduledSerializer,
                              400: OpenApiResponse(description="You have no parameters of your own to reschedule to.")},
                   summary="Reschedule my cards to my parameters",
                   description="Replays every studied card's reviews with your parameters and retention, in one "
                               "transaction; counts and suspensions stay.")
    def post(self, request):
        if request.data:
            raise ValidationError({"non_field_errors": ["this request takes no body"]})
        if not settings_for(request.user).fsrs_parameters:
            raise ValidationError({"parameters": ["you are scheduled with FSRS's defaults: optimize first"]})
        return Response({"rescheduled": services.cards_reschedule(user=request.user).cards})


urlpatterns = [
    path("settings/optimize/", OptimizeView.as_view(), name="api-settings-optimize"),
    path("settings/reschedule/", RescheduleView.as_view(), name="api-settings-reschedule"),
]
