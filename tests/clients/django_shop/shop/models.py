from django.db import models
from django.db.models.functions import Now


class Product(models.Model):
    name = models.CharField(max_length=200)
    price_cents = models.BigIntegerField()
    sku = models.CharField(max_length=40, null=True, db_index=True)
    created = models.DateTimeField(db_default=Now())
