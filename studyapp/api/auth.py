"""Sign up and token endpoints."""

from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from studyapp.accounts import lockout
from studyapp.accounts.services import token_for, user_signup


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class SignupSerializer(CredentialsSerializer):
    email = serializers.EmailField(required=False, allow_blank=True)

    def validate_username(self, value):
        username_field = User._meta.get_field("username")
        for validator in username_field.validators:
            try:
                validator(value)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.messages) from None
        if User.objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError("A user with that username already exists.")
        return value

    def validate(self, attrs):
        candidate = User(username=attrs["username"], email=attrs.get("email", ""))
        try:
            password_validation.validate_password(attrs["password"], user=candidate)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"password": error.messages}) from None
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class SignupView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "signup"

    @extend_schema(request=SignupSerializer, responses={201: TokenSerializer})
    def post(self, request):
        data = SignupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_signup(
            username=data.validated_data["username"],
            password=data.validated_data["password"],
            email=data.validated_data.get("email", ""),
        )
        return Response({"token": token_for(user)}, status=status.HTTP_201_CREATED)


class TokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(request=CredentialsSerializer, responses={200: TokenSerializer})
    def post(self, request):
        data = CredentialsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The plain HttpRequest, so django-axes records the failure and flags a lockout on it.
        user = authenticate(
            request._request, username=data.validated_data["username"], password=data.validated_data["password"]
        )
        if getattr(request._request, "axes_locked_out", False):
            return Response({"detail": lockout.MESSAGE}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if user is not None:
            # What login() would announce: django-axes resets the failure count on it, Django stamps last_login.
            user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": ["Unable to log in with the username and password provided."]}
            )
        return Response({"token": token_for(user)})


urlpatterns = [
    path("auth/signup/", SignupView.as_view(), name="api-signup"),
    path("auth/token/", TokenView.as_view(), name="api-token"),
]
