"""Sui et al., cooperative ISAC in 6G networks (seed 004): model under construction."""
