"""The synthetic province and the province selectors."""
