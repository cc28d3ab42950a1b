"""Drafting report sections: templates as data, the offline drafter, and (later) LLM chains."""
