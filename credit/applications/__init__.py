"""Objections to records and credit repair, applied for online by firms and decided by reviewers."""
