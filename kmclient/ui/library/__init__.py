"""Finding documents: the topic tree and search as you type."""
