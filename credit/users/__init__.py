"""User administration by admins, and every user's own password change."""
