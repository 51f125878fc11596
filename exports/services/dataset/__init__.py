"""Versioned dataset exports, by what each module does:

- `params`: the parameters of a version (defaults, validation, canonical form);
- `code_version`: `git describe` of the code that builds;
- `stream`: the rows out of PostgreSQL (one COPY statement), or the ORM elsewhere;
- `rows`: one row shaped from the streamed tuple, and the manifest's counts;
- `lease`: the claim on a version being built and its heartbeat (progress rides on it);
- `files`: the scratch folder, publishing to the `datasets` storage, opening files to stream;
- `build`: one build, from claim to `complete`;
- `card`: the dataset card (README.md), from the template exports/dataset_card.md;
- `lifecycle`: create, cancel, retry, and the reaper of stale builds;
- `diff`: what changed between two versions.

`exports.services.export` gathers the public functions for the views, the API and the commands.
"""
