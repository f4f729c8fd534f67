"""Collections, step 2 of 3: the built-in public collection `serge` ("Victor Serge") holds every existing source
and fact, so everything that worked before works unchanged."""

from django.db import migrations

SERGE = "serge"  # studyapp.facts.models.SERGE, frozen here as migrations must be


def into_serge(apps, schema_editor):
    Collection = apps.get_model("facts", "Collection")
    serge, _ = Collection.objects.get_or_create(key=SERGE, defaults={"title": "Victor Serge", "visibility": "public"})
    for name in ("Source", "Person", "Work", "Event"):
        apps.get_model("facts", name).objects.filter(collection__isnull=True).update(collection=serge)


class Migration(migrations.Migration):

    dependencies = [("facts", "0003_collections")]

    operations = [migrations.RunPython(into_serge, migrations.RunPython.noop)]
