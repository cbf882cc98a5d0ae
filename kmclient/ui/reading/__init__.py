"""Reading a document: the rendered view, its header, live changes, passages."""
