"""Rule definitions, one module per family; ``mergelint.registry`` collects them."""
