"""Pages: one module per page, its State beside it."""
