"""The four tables of storage/db.py: assessments, interviews, turns, users (tests/storage checks they agree).

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("organization", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("doc", sa.JSON, nullable=False),
    )
    op.create_table(
        "interviews",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("assessment_id", sa.String(64), sa.ForeignKey("assessments.id"), nullable=False, index=True),
        sa.Column("category", sa.String(8), nullable=False),
        sa.Column("respondent", sa.String(200), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "turns",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("interview_id", sa.String(64), sa.ForeignKey("interviews.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("respondent", sa.String(200), nullable=True),
        sa.Column("question", sa.Text, nullable=True),
        sa.Column("question_controls", sa.JSON, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("interview_id", "seq", name="uq_turns_interview_seq"),
    )
    op.create_table(
        "users",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("users")
    op.drop_table("turns")
    op.drop_table("interviews")
    op.drop_table("assessments")
