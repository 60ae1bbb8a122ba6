"""Accounts and roles: who may see, enter, submit, review and administer which figures."""
