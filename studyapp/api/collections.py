"""Collections over the API: create one (its owner), list, read, change, add and remove editors, hand it over, delete.

A private collection is 404 to everyone but its owner and editors; an unlisted one is read by anyone with its key
(and not listed); a public one by everyone. Only the owner and editors change a collection (403 for anyone else
who can see it); only the owner changes its visibility, adds or removes editors (an editor may leave), hands the
collection to an editor (PATCH `owner`) or deletes it (409 while other learners study it and it is not private).
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from studyapp.api.authoring import Conflict, ErrorOut
from studyapp.facts.models import Collection, Visibility
from studyapp.facts.selectors import collection_for
from studyapp.facts.services import (
    CollectionInUse,
    InvalidFact,
    NotAllowed,
    collection_create,
    collection_delete,
    collection_editor_add,
    collection_editor_remove,
    collection_transfer,
    collection_update,
)


class CollectionSerializer(serializers.ModelSerializer):
    # null for the built-in collections (Serge), which nobody owns.
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    editors = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)

    class Meta:
        model = Collection
        fields = ["key", "title", "description", "visibility", "owner", "editors"]
        read_only_fields = ["key", "owner", "editors"]


class CollectionIn(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    visibility = serializers.ChoiceField(choices=Visibility.choices)


class CollectionChange(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    owner = serializers.CharField(max_length=150, required=False, help_text=(
        "Hand the collection to one of its editors (the owner only); the former owner stays on as an editor."))


class EditorIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)


def _detail(collection):
    collection = Collection.objects.prefetch_related("editors").select_related("owner").get(pk=collection.pk)
    return CollectionSerializer(collection).data


class CollectionListView(APIView):
    @extend_schema(responses={200: CollectionSerializer(many=True)})
    def get(self, request):
        """Public collections and the user's own and edited ones (unlisted ones only when theirs)."""
        rows = Collection.objects.listed_for(request.user).select_related("owner")
        return Response(CollectionSerializer(rows.prefetch_related("editors"), many=True).data)

    @extend_schema(request=CollectionIn, responses={201: CollectionSerializer, 400: ErrorOut})
    def post(self, request):
        """Create a collection, owned by the caller: at most settings.AUTHORING_MAX_COLLECTIONS_PER_USER each
        (else 400)."""
        data = CollectionIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            collection = collection_create(owner=request.user, **data.validated_data)
        except InvalidFact as error:  # OverLimit: the caller owns as many collections as one user may
            raise serializers.ValidationError({error.field: [str(error)]} if error.field else [str(error)]) from None
        return Response(_detail(collection), status=status.HTTP_201_CREATED)


class CollectionDetailView(APIView):
    @extend_schema(responses={200: CollectionSerializer, 404: None})
    def get(self, request, key):
        return Response(_detail(collection_for(request.user, key)))

    @extend_schema(request=CollectionChange, responses={200: CollectionSerializer, 400: ErrorOut, 403: None,
                                                        404: None})
    def patch(self, request, key):
        collection = collection_for(request.user, key)
        data = CollectionChange(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        heir = values.pop("owner", None)
        if heir is not None and collection.owner_id != request.user.pk:  # before looking the user up
            raise PermissionDenied("only the collection's owner hands it over")
        try:
            with transaction.atomic():
                if values or heir is None:
                    collection_update(collection=collection, by=request.user, values=values)
                if heir is not None:
                    editor = collection.editors.filter(username=heir).first()
                    if editor is None:
                        raise InvalidFact("the new owner must be one of the collection's editors", field="owner")
                    collection_transfer(collection=collection, by=request.user, owner=editor)
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from None
        except InvalidFact as error:
            raise serializers.ValidationError({error.field: [str(error)]}) from None
        return Response(_detail(collection))

    @extend_schema(responses={204: None, 403: None, 404: None, 409: ErrorOut})
    def delete(self, request, key):
        """Delete the collection, its facts, sources and cards (its owner only; 409 while it is not private and
        other learners have studied it)."""
        collection = collection_for(request.user, key)
        try:
            collection_delete(collection=collection, by=request.user)
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from None
        except CollectionInUse as error:
            raise Conflict(str(error)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class EditorsView(APIView):
    @extend_schema(request=EditorIn, responses={200: CollectionSerializer, 400: None, 403: None, 404: None})
    def post(self, request, key):
        collection = collection_for(request.user, key)
        data = EditorIn(data=request.data)
        data.is_valid(raise_exception=True)
        if collection.owner_id != request.user.pk:  # before looking the user up: no probing of usernames
            raise PermissionDenied("only the collection's owner adds editors")
        editor = get_user_model().objects.filter(username=data.validated_data["username"]).first()
        if editor is None:
            raise serializers.ValidationError({"username": ["no such user"]})
        try:
            collection_editor_add(collection=collection, by=request.user, editor=editor)
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from None
        return Response(_detail(collection))


class EditorDetailView(APIView):
    @extend_schema(responses={204: None, 403: None, 404: None})
    def delete(self, request, key, username):
        """Remove an editor (the owner), or leave (an editor removing themself)."""
        collection = collection_for(request.user, key)
        if collection.owner_id != request.user.pk and request.user.get_username() != username:
            raise PermissionDenied("only the collection's owner removes editors (an editor may leave)")
        editor = collection.editors.filter(username=username).first()
        if editor is None:
            raise NotFound("no such editor")
        try:
            collection_editor_remove(collection=collection, by=request.user, editor=editor)
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("collections/", CollectionListView.as_view(), name="api-collections"),
    path("collections/<slug:key>/", CollectionDetailView.as_view(), name="api-collection"),
    path("collections/<slug:key>/editors/", EditorsView.as_view(), name="api-collection-editors"),
    path("collections/<slug:key>/editors/<str:username>/", EditorDetailView.as_view(), name="api-collection-editor"),
]
