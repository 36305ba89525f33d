"""Model backends behind the model gateway."""
