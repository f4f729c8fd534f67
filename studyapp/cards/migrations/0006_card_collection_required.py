"""Collections (step 3 of 3): a card always has its collection; the queue filters on it."""

import django.db.models.deletion
from django.db import migrations, models

class Migration(migrations.Migration):

    dependencies = [("cards", "0005_cards_into_serge")]

    operations = [
        migrations.AlterField(model_name="card", name="collection", field=models.ForeignKey(
            on_delete=django.db.models.deletion.CASCADE, related_name="cards", to="facts.collection")),
        migrations.AlterField(model_name="card", name="key", field=models.CharField(
            help_text="[collection/]fact type:fact key:kind; never from text", max_length=200, unique=True)),
        migrations.AddIndex(model_name="card", index=models.Index(fields=["collection", "retired"],
                                                                  name="card_collection_idx")),
    ]
