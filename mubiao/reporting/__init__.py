"""Actual values: what units achieved, period by period."""
