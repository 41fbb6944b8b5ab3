"""Prompt templates, each beside the pydantic schema its answer must fill."""
