"""Data files shipped with the package: jieba domain terms, the query glossary."""
