"""The append-only audit log: who changed what, when, before and after, why and through which door."""
