"""Peregrine: carry a job search from "applied" to "hired"."""
