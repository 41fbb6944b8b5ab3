"""Clients for the outside services Peregrine talks to: SearXNG, OCR/vision, IMAP.

Plain Python on top of httpx and the standard library; nothing here imports Reflex, so the
services, the REST API and the CLI can all use these clients, and tests drive them against
small fake servers that speak the real protocols.
"""
