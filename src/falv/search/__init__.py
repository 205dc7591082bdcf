"""Statute search: BM25 over a legal-aware segmentation, re-ranked, with direct citation lookup.

Public API: `search(store, query, top=10, law=None) -> list[Hit]` and `Searcher` (retrieve.py).
"""
