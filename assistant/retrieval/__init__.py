"""Hybrid retrieval: BM25 over jieba tokens and dense vectors, fused by reciprocal rank."""
