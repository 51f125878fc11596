"""REST API of the corpora app (staff users, i.e. managers, only): one module per resource, one view per
operation; corpora/api_urls.py routes them."""
