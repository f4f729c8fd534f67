"""Collections (step 2 of 3): every existing card is the Serge base's; its key, and so its Anki GUID, is kept."""

from django.db import migrations


def into_serge(apps, schema_editor):
    serge = apps.get_model("facts", "Collection").objects.get(key="serge")
    apps.get_model("cards", "Card").objects.filter(collection__isnull=True).update(collection=serge)


class Migration(migrations.Migration):

    dependencies = [
        ("cards", "0004_card_collection"),
        ("facts", "0004_serge_collection"),
    ]

    operations = [migrations.RunPython(into_serge, migrations.RunPython.noop)]
