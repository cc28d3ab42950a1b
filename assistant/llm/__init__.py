"""LLM access: prompt files and the OpenAI-compatible chat model."""
