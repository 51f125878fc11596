"""Services of the exports app (writes: dataset versions, agreement reports)."""
