"""The window and what frames it: the app, the main window, status bar, sidebar, side
panel, theme, pop-ups, sign-in, and the engine on the GUI thread."""
