"""Collections, step 1 of 3: the Collection table, and a nullable collection on every source and fact."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def nullable_collection(related_name):
    return models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name=related_name,
                             to="facts.collection")


class Migration(migrations.Migration):

    dependencies = [
        ("facts", "0002_weights_notes_spans"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Collection",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.SlugField(max_length=60, unique=True)),
                ("title", models.CharField(max_length=200)),
                ("description", models.TextField(blank=True)),
                ("visibility", models.CharField(choices=[("private", "Private"), ("unlisted", "Unlisted"),
                                                         ("public", "Public")], default="private", max_length=10)),
                ("editors", models.ManyToManyField(blank=True, related_name="edited_collections",
                                                   to=settings.AUTH_USER_MODEL)),
                ("owner", models.ForeignKey(blank=True, help_text="Empty for the built-in Serge base.", null=True,
                                            on_delete=django.db.models.deletion.SET_NULL,
                                            related_name="owned_collections", to=settings.AUTH_USER_MODEL)),
            ],
            options={"ordering": ["key"]},
        ),
        migrations.AddField(model_name="source", name="collection", field=nullable_collection("sources")),
        migrations.AddField(model_name="person", name="collection", field=nullable_collection("people")),
        migrations.AddField(model_name="work", name="collection", field=nullable_collection("works")),
        migrations.AddField(model_name="event", name="collection", field=nullable_collection("events")),
    ]
