"""Reading and writing decomposition tables.

Structure detection and cell provenance live here; writes go through the services of the apps,
never straight to the ORM.
"""
