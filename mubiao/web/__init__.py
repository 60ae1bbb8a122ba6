"""The web door: pages in Chinese (English switchable), thin over selectors and services."""
