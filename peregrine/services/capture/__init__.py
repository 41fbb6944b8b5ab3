"""Capturing a job from its posting: the page's HTML read into a job's fields (`extract`), the
warnings shown before it is saved, and the save itself (`capture`)."""
