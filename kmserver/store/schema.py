"""Every table of the server's database, in one MetaData (for migrations and new databases)."""

from kmserver.store import feedback_models, revision_models  # noqa: F401  (register their tables)
from kmserver.store.models import Base

metadata = Base.metadata
