"""The Q&A knowledge base: seed-format documents → verified, deduplicated entries.

seedfmt parses a document (pure), ingest verifies and annotates it and writes it in one
transaction, store holds the tables and the read API (`KnowledgeBase`) the answer composer uses.
"""
