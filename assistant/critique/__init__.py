"""Critique of report sections: template rules applied offline, and an LLM reviewer when configured."""
