"""Models of this package."""
