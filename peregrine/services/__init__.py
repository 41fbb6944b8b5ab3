"""Use cases. Plain Python: callable from pages, the REST API and the CLI alike."""
