import pytest

from search.normalize import normalize, words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Motörhead", "motorhead"),
        ("Héros", "heros"),
        ("Straße", "strasse"),
        ("Mø", "mo"),
        ("Ærøskøbing", "aeroskobing"),
        ("Sigur Rós", "sigur ros"),
        ("Don’t Stop", "dont stop"),
        ("Łódź", "lodz"),
        ("ＡＢＣ", "abc"),
    ],
)
def test_it_folds_accents_case_and_special_letters(text, expected):
    assert normalize(text) == expected


def test_it_turns_control_characters_and_nul_into_spaces():
    assert normalize("a\x00b\x07c\x9fd") == "a b c d"


def test_it_splits_words_on_punctuation():
    assert words("Hip-hop & the 'Heroes' (1977)!") == ["hip", "hop", "the", "heroes", "1977"]
