"""The governed half: publishing revisions, review, restore, archive, review-by dates, audit."""
