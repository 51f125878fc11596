"""JSON API of the exports app: dataset versions and agreement reports."""
