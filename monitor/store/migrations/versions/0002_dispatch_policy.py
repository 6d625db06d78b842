"""Dispatch policy: alert kinds, optional story for notices, silences, channel and source health.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="alert"))
        batch.alter_column("story_id", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("article_id", existing_type=sa.Integer(), nullable=True)
        batch.drop_constraint("uq_alerts_rule_story_id_channel", type_="unique")
        batch.create_unique_constraint(
            "uq_alerts_rule_story_id_channel_kind", ["rule", "story_id", "channel", "kind"]
        )
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("failing_since", _utc(), nullable=True))
    op.create_index("ix_articles_source_fetched_at", "articles", ["source", "fetched_at"])

    op.create_table(
        "silences",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("target_kind", sa.String(16), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("ends_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_silences"),
    )
    op.create_index("ix_silences_ends_at", "silences", ["ends_at"])

    op.create_table(
        "channel_state",
        sa.Column("channel", sa.String(200), nullable=False),
        sa.Column("disabled_at", _utc(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("channel", name="pk_channel_state"),
    )

    op.create_table(
        "source_health",
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("since", _utc(), nullable=False),
        sa.Column("notified_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("source", name="pk_source_health"),
    )


def downgrade() -> None:
    op.drop_table("source_health")
    op.drop_table("channel_state")
    op.drop_index("ix_silences_ends_at", table_name="silences")
    op.drop_table("silences")
    op.drop_index("ix_articles_source_fetched_at", table_name="articles")
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("failing_since")
    op.execute(
        "DELETE FROM alert_attempts WHERE alert_id IN (SELECT id FROM alerts WHERE kind <> 'alert')"
    )
    op.execute("DELETE FROM alerts WHERE kind <> 'alert'")
    with op.batch_alter_table("alerts") as batch:
        batch.drop_constraint("uq_alerts_rule_story_id_channel_kind", type_="unique")
        batch.create_unique_constraint(
            "uq_alerts_rule_story_id_channel", ["rule", "story_id", "channel"]
        )
        batch.alter_column("article_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("story_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("kind")
