"""Collections, step 3 of 3: every source and fact has a collection; keys are unique within it."""

import django.db.models.deletion
from django.db import migrations, models

def collection(related_name):
    return models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name=related_name,
                             to="facts.collection")


class Migration(migrations.Migration):

    dependencies = [("facts", "0004_serge_collection")]

    operations = [
        migrations.AlterField(model_name="source", name="collection", field=collection("sources")),
        migrations.AlterField(model_name="person", name="collection", field=collection("people")),
        migrations.AlterField(model_name="work", name="collection", field=collection("works")),
        migrations.AlterField(model_name="event", name="collection", field=collection("events")),
        migrations.AlterField(model_name="source", name="key", field=models.CharField(
            help_text="The source's file name; unique within its collection.", max_length=100)),
        migrations.AlterField(model_name="person", name="key", field=models.SlugField(
            help_text="Unique within its collection.", max_length=120)),
        migrations.AlterField(model_name="work", name="key", field=models.SlugField(
            help_text="Unique within its collection.", max_length=120)),
        migrations.AlterField(model_name="event", name="key", field=models.SlugField(
            help_text="Unique within its collection.", max_length=120)),
        migrations.AddConstraint(model_name="source", constraint=models.UniqueConstraint(
            fields=("collection", "key"), name="source_key_in_collection")),
        migrations.AddConstraint(model_name="person", constraint=models.UniqueConstraint(
            fields=("collection", "key"), name="person_key_in_collection")),
        migrations.AddConstraint(model_name="work", constraint=models.UniqueConstraint(
            fields=("collection", "key"), name="work_key_in_collection")),
        migrations.AddConstraint(model_name="event", constraint=models.UniqueConstraint(
            fields=("collection", "key"), name="event_key_in_collection")),
    ]
