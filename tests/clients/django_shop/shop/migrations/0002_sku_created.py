from django.db import migrations, models
from django.db.models.functions import Now


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddField("product", "sku",
                            models.CharField(max_length=40, null=True, db_index=True)),
        migrations.AddField("product", "created", models.DateTimeField(db_default=Now())),
        migrations.AlterField("product", "price_cents", models.BigIntegerField()),
    ]
