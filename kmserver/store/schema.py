"""Every table of the server's database, in one MetaData (for migrations and new databases)."""

from kmserver.store import (  # noqa: F401  (register their tables)
    attention_models,
    feedback_models,
    revision_models,
)
from kmserver.store.models import Base

metadata = Base.metadata
