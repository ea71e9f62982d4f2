"""`flask backup create FILE` / `flask backup restore FILE`: SQLite's online backup API, or
pg_dump/pg_restore (custom format) on PostgreSQL."""

from app.backup.backups import BackupError, create_backup, restore_backup, row_counts

__all__ = ["BackupError", "create_backup", "restore_backup", "row_counts"]
