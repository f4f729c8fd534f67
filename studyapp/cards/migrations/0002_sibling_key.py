from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Concat


def fill_sibling_key(apps, schema_editor):
    Card = apps.get_model("cards", "Card")
    Card.objects.update(sibling_key=Concat("fact_type", Value(":"), "fact_key"))


class Migration(migrations.Migration):
    dependencies = [("cards", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="card",
            name="sibling_key",
            field=models.CharField(db_index=True, default="", help_text="fact type:fact key; cards sharing it are siblings.",
                                   max_length=140),
            preserve_default=False,
        ),
        migrations.RunPython(fill_sibling_key, migrations.RunPython.noop),
    ]
