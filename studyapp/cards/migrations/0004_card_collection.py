"""Collections: every card belongs to its facts' collection (step 1 of 3: the nullable column)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cards", "0003_weight_intro_rank"),
        ("facts", "0003_collections"),
    ]

    operations = [
        migrations.AddField(model_name="card", name="collection", field=models.ForeignKey(
            null=True, on_delete=django.db.models.deletion.CASCADE, related_name="cards", to="facts.collection")),
    ]
