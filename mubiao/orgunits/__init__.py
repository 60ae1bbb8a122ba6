"""Org units: the tree of province, city, counties, districts and zones that targets are split across."""
