"""The deterministic numeric checker: figures, relations and arithmetic, with the computation shown."""
