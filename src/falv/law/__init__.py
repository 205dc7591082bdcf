"""Statutes and citations: a pipeline of verbs (find → resolve → verify → annotate) over a store."""
