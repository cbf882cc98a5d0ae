"""Editing: the Y.Text binding and carets, document actions and the create/details dialogs."""
