"""What must reach people: must-read revisions with acknowledgements, and broadcasts."""
