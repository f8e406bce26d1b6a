"""The discipline register takes over the swaps app's absence register: the table `swaps/0003` renamed, every row
kept and now of the kind `absence`; its indexes and its share constraint renamed after the new model."""

import functools
from decimal import Decimal

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import zhiban.core.public_ids


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("org", "0002_remove_unit_policy_pack"),
        ("roster", "0004_rest_credits"),
        ("swaps", "0003_absence_register_moves_to_discipline"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The model as swaps/0001 created it (its old index and constraint names), on the table swaps/0003 renamed:
        # state only, the database already has it.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DisciplineRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        (
                            "public_id",
                            models.CharField(
                                default=functools.partial(zhiban.core.public_ids.new_public_id, "abs"),
                                editable=False,
                                max_length=24,
                                unique=True,
                                verbose_name="public id",
                            ),
                        ),
                        ("date", models.DateField(verbose_name="date")),
                        ("rule_id", models.CharField(max_length=16, verbose_name="rule")),
                        ("subject_type", models.CharField(blank=True, max_length=40, verbose_name="request type")),
                        ("subject_id", models.PositiveBigIntegerField(blank=True, null=True, verbose_name="request")),
                        (
                            "share",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("1"),
                                max_digits=3,
                                verbose_name="share of responsibility",
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=500, verbose_name="note")),
                        ("recorded_at", models.DateTimeField(verbose_name="recorded at")),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="discipline_records",
                                to="org.unit",
                                verbose_name="organisation",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="discipline_records",
                                to="org.person",
                                verbose_name="person",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="recorded by",
                            ),
                        ),
                        (
                            "shift_type",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="roster.shifttype",
                                verbose_name="shift",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "discipline record",
                        "verbose_name_plural": "discipline records",
                        "ordering": ["-date", "person__name", "id"],
                        "indexes": [
                            models.Index(fields=["organisation", "date"], name="swaps_absen_organis_c0241c_idx"),
                            models.Index(fields=["subject_type", "subject_id"], name="swaps_absen_subject_b0a8e4_idx"),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("share__gte", Decimal("0")), ("share__lte", Decimal("1"))),
                                name="absence_share_0_to_1",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RenameIndex(
            model_name="disciplinerecord", new_name="discipline_org_date_idx", old_name="swaps_absen_organis_c0241c_idx"
        ),
        migrations.RenameIndex(
            model_name="disciplinerecord", new_name="discipline_subject_idx", old_name="swaps_absen_subject_b0a8e4_idx"
        ),
        migrations.RemoveConstraint(model_name="disciplinerecord", name="absence_share_0_to_1"),
        migrations.AddConstraint(
            model_name="disciplinerecord",
            constraint=models.CheckConstraint(
                condition=models.Q(("share__gte", Decimal("0")), ("share__lte", Decimal("1"))),
                name="discipline_record_share_0_to_1",
            ),
        ),
        # Every record so far is an absence (旷工).
        migrations.AddField(
            model_name="disciplinerecord",
            name="kind",
            field=models.CharField(
                choices=[("absence", "absence")], default="absence", max_length=20, verbose_name="kind"
            ),
        ),
    ]
