"""The SQLite store: schema, upserts, cursor state, run history and rejected rows."""

from deskmetrics.store.database import Store
from deskmetrics.store.encoding import from_db_time, to_db_time
from deskmetrics.store.schema import SCHEMA_VERSION
from deskmetrics.store.sync_log import RejectedRow, Run

__all__ = ["SCHEMA_VERSION", "RejectedRow", "Run", "Store", "from_db_time", "to_db_time"]
