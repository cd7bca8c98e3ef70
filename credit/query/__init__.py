"""The public credit query: published facts about a subject, for anyone, without logging in."""
