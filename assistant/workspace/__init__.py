"""A user's workspace: the figures, the report being built, the draft under review, the chat; saved on disk."""
