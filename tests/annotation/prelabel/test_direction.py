"""Sentences and the direction counts the stance and author models see."""

from annotation.prelabel.direction import N_DIRECTION, direction_counts, split_sentences


def test_sentences_split_at_end_marks_before_a_capital_and_keep_offsets():
    text = "Russia agreed. “China did not,” he said. 3 more followed!"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["Russia agreed.", "“China did not,” he said.", "3 more followed!"]


def test_a_text_without_an_end_mark_is_one_sentence():
    assert split_sentences("no end mark here") == [(0, 16)]


def test_counts_see_negation_before_an_evaluative_word_quotes_and_first_person():
    plain = direction_counts("Russia supports the deal.")
    negated = direction_counts("Russia does not support the deal, we said in “quotes”.")
    assert len(plain) == N_DIRECTION
    assert plain[6] == 0 and negated[6] > 0  # a negation within three words of "support"
    assert plain[0] == 0 and negated[0] > 0  # negations
    assert negated[5] > 0 and plain[5] == 0  # first person
    assert negated[7] > 0 and plain[7] == 0  # quotation marks
