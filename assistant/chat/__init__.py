"""The chat: one message in, a streamed answer with its sources and findings out, in the mode asked for."""
