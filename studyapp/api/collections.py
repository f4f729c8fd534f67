"""Collections over the API: create one (its owner), list, read, change, and add editors.

A private collection is 404 to everyone but its owner and editors; an unlisted one is read by anyone with its key
(and not listed); a public one by everyone. Only the owner and editors change a collection (403 for anyone else
who can see it); only the owner changes its visibility or adds editors.
"""

from django.contrib.auth import get_user_model
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from studyapp.facts.models import Collection, Visibility
from studyapp.facts.selectors import collection_for
from studyapp.facts.services import NotAllowed, collection_create, collection_editor_add, collection_update


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

    @extend_schema(request=CollectionIn, responses={201: CollectionSerializer})
    def post(self, request):
        data = CollectionIn(data=request.data)
        data.is_valid(raise_exception=True)
        collection = collection_create(owner=request.user, **data.validated_data)
        return Response(_detail(collection), status=status.HTTP_201_CREATED)


class CollectionDetailView(APIView):
    @extend_schema(responses={200: CollectionSerializer, 404: None})
    def get(self, request, key):
        return Response(_detail(collection_for(request.user, key)))

    @extend_schema(request=CollectionChange, responses={200: CollectionSerializer, 403: None, 404: None})
    def patch(self, request, key):
        collection = collection_for(request.user, key)
        data = CollectionChange(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            collection_update(collection=collection, by=request.user, values=data.validated_data)
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from None
        return Response(_detail(collection))


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


urlpatterns = [
    path("collections/", CollectionListView.as_view(), name="api-collections"),
    path("collections/<slug:key>/", CollectionDetailView.as_view(), name="api-collection"),
    path("collections/<slug:key>/editors/", EditorsView.as_view(), name="api-collection-editors"),
]
