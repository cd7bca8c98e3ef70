"""Accounts and who may do what."""
