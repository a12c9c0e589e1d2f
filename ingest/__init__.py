"""Ingestion: sources -> clean text -> sentences -> time -> events -> merged into the store."""
