"""Server-rendered pages of the exports app: dataset versions and agreement."""
