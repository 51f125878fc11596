"""Reads of the annotation app: annotations and progress, page listings, adjudication, API tokens."""
