"""documents: assembled versions, assembly jobs, sentence templates, document settings

Revision ID: 0005_documents
Revises: 0004_council
Create Date: 2026-11-27 15:10:42.451445

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_documents'
down_revision = '0004_council'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assembly_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('is_automatic', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='assembly_job_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('progress >= 0 AND progress <= 100', name=op.f('ck_assembly_jobs_progress_range')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_assembly_jobs_cycle_id_cycles')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_assembly_jobs_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assembly_jobs'))
    )
    with op.batch_alter_table('assembly_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assembly_jobs_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assembly_jobs_status'), ['status'], unique=False)

    op.create_table('document_settings',
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('part_order', sa.Enum('alphabetical', 'custom', name='document_part_order', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('document_date', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_document_settings_cycle_id_cycles')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_document_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('cycle_id', name=op.f('pk_document_settings'))
    )
    op.create_table('document_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('format', sa.Enum('docx', 'pdf', 'html', name='document_format', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('file_path', sa.String(length=500), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('data_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('is_published', sa.Boolean(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_document_versions_created_by_id_users')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_document_versions_cycle_id_cycles')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_document_versions_published_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_versions')),
    sa.UniqueConstraint('cycle_id', 'number', 'format', name=op.f('uq_document_versions_cycle_id'))
    )
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_versions_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('sentence_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_sentence_templates_cycle_id_cycles')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_sentence_templates_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sentence_templates')),
    sa.UniqueConstraint('cycle_id', 'key', 'locale', name=op.f('uq_sentence_templates_cycle_id'))
    )
    with op.batch_alter_table('sentence_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sentence_templates_cycle_id'), ['cycle_id'], unique=False)


def downgrade():
    with op.batch_alter_table('sentence_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sentence_templates_cycle_id'))
    op.drop_table('sentence_templates')
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_versions_cycle_id'))
    op.drop_table('document_versions')
    op.drop_table('document_settings')
    with op.batch_alter_table('assembly_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assembly_jobs_status'))
        batch_op.drop_index(batch_op.f('ix_assembly_jobs_cycle_id'))
    op.drop_table('assembly_jobs')
