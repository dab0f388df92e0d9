"""clock events: append-only, enforced by PostgreSQL

Revision ID: 6326b147ae34
Revises: 6c522bed53bc
Create Date: 2026-11-22 09:10:00.000000

Every punch received is a row of `clock_events`, never updated and never deleted (API.md); no
code path does either, and from here the production database refuses both. TRUNCATE (a test
database being emptied) is not a row change and stays possible. SQLite, the laptop default,
is left without the trigger.
"""

from alembic import op

revision = '6326b147ae34'
down_revision = '6c522bed53bc'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION clock_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'clock_events is append-only: a punch is never updated or deleted'
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER clock_events_append_only BEFORE UPDATE OR DELETE ON clock_events "
        "FOR EACH ROW EXECUTE FUNCTION clock_events_append_only()"
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER clock_events_append_only ON clock_events")
    op.execute("DROP FUNCTION clock_events_append_only()")
