"""Accounts: staff users, site-wide admin, per-consultation moderator and drafter roles."""
