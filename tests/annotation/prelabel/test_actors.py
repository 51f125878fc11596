"""Actor tagger: registry names and aliases, case and possessives, metonyms, new-actor candidates."""

from annotation.prelabel.actors import ActorTagger
from annotation.prelabel.base import ActorEntry


def actors_in(tagger, text):
    return [(s.surface, s.label) for s in tagger.predict([text])[0] if s.kind == "actor"]


def candidates_in(tagger, text):
    return [s.surface for s in tagger.predict([text])[0] if s.kind == "actor_candidate"]


def test_capitals_are_matched_as_their_states(gazetteer_tagger):
    text = "Beijing and the Kremlin agree, Moscow says; New Delhi is wary and Washington objects."
    assert actors_in(gazetteer_tagger, text) == [
        ("Beijing", "China"),
        ("the Kremlin", "Russia"),
        ("Moscow", "Russia"),
        ("New Delhi", "India"),
        ("Washington", "United States"),
    ]


def test_possessives_match_and_the_span_stops_before_the_apostrophe(gazetteer_tagger):
    text = "Beijing's offer and Washington’s red eye"
    found = gazetteer_tagger.predict([text])[0]
    spans = [(s.start, s.end, s.label) for s in found if s.kind == "actor"]
    assert spans == [(0, 7, "China"), (20, 30, "United States")]
    assert text[0:7] == "Beijing" and text[20:30] == "Washington"


def test_matching_ignores_case_except_for_acronyms(gazetteer_tagger):
    assert actors_in(gazetteer_tagger, "BEIJING and moscow") == [("BEIJING", "China"), ("moscow", "Russia")]
    # "us" the pronoun and "who" are not the United States or the World Health Organization
    assert actors_in(gazetteer_tagger, "He told us who would come.") == []
    assert actors_in(gazetteer_tagger, "The US and the WHO") == [
        ("US", "United States"),
        ("WHO", "World Health Organization"),
    ]


def test_the_longest_overlapping_alias_wins(gazetteer_tagger):
    assert actors_in(gazetteer_tagger, "Officials in New Delhi") == [("New Delhi", "India")]
    assert actors_in(gazetteer_tagger, "Vladimir Putin met Xi Jinping") == [
        ("Vladimir Putin", "Vladimir Putin"),
        ("Xi Jinping", "Xi Jinping"),
    ]


def test_names_score_higher_than_aliases(gazetteer_tagger):
    scores = {s.surface: s.score for s in gazetteer_tagger.predict(["Russia and Moscow"])[0]}
    assert scores == {"Russia": 1.0, "Moscow": 0.9}


def test_project_registry_keys_are_returned_as_labels():
    tagger = ActorTagger([ActorEntry(key="17", name="Gazprom", aliases=("Russia's gas giant",))])
    found = tagger.predict(["Russia’s gas giant and GAZPROM"])[0]
    assert [(s.label, s.surface) for s in found if s.kind == "actor"] == [
        ("17", "Russia’s gas giant"),
        ("17", "GAZPROM"),
    ]


def test_names_next_to_reporting_verbs_become_candidates(gazetteer_tagger):
    text = (
        '"We have not seen it," said state department spokesperson Ned Price. '
        "Wang told Putin the ties were firm, and Maria Zakharova argued otherwise. He said no."
    )
    assert sorted(candidates_in(gazetteer_tagger, text)) == ["Maria Zakharova", "Ned Price", "Wang"]


def test_known_actors_are_never_candidates(gazetteer_tagger):
    assert candidates_in(gazetteer_tagger, "Trump said it, and Putin told reporters.") == []


def test_shared_articles_link_the_metonyms_to_their_states(gazetteer_tagger, corpus_paragraphs):
    texts = [p for _, p in corpus_paragraphs]
    surfaces = {}
    for text, found in zip(texts, gazetteer_tagger.predict(texts), strict=True):
        for s in found:
            if s.kind == "actor":
                assert text[s.start : s.end] == s.surface
                surfaces.setdefault(s.surface, set()).add(s.label)
    assert surfaces["Beijing"] == {"China"}
    assert surfaces["the Kremlin"] == {"Russia"}
    assert surfaces["Moscow"] == {"Russia"}
    assert surfaces["New Delhi"] == {"India"}
    assert surfaces["Washington"] == {"United States"}


def test_shared_article_sentence_has_every_actor_with_its_offsets(gazetteer_tagger, corpus_paragraphs):
    paragraph = next(p for name, p in corpus_paragraphs if name.startswith("000") and "New Delhi was concerned" in p)
    found = [(s.surface, s.label) for s in gazetteer_tagger.predict([paragraph])[0] if s.kind == "actor"]
    assert found == [
        ("New Delhi", "India"),
        ("China", "China"),
        ("Russia", "Russia"),
        ("India", "India"),
        ("China", "China"),
    ]
